// persist settings: scoped JSON settings from the shell.
#include "commands.hpp"

#include <persist/json_text.hpp>
#include <persist/store/settings_store.hpp>


#include <cstdlib>
#include <iostream>

namespace persist::cli {
namespace {

std::filesystem::path default_global_file() {
    char const* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg != nullptr && *xdg != '\0')
        return std::filesystem::path(xdg) / "persist" / "settings.json";
    char const* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0')
        throw usage_error{"neither XDG_CONFIG_HOME nor HOME is set; pass --global FILE"};
    return std::filesystem::path(home) / ".config" / "persist" / "settings.json";
}

settings_scope parse_scope(std::string const& word) {
    if (word == "global") return settings_scope::global;
    if (word == "local") return settings_scope::local;
    throw usage_error{"expects the scope global or local, not '" + word + "'"};
}

}  // namespace

boost::json::value parse_json_argument(std::string const& text) {
    auto value = parse_json(text, {});
    if (!value) throw usage_error{"'" + text + "' is not one JSON value: " + value.error().detail()};
    return std::move(*value);
}

int print_json(result<boost::json::value> const& value) {
    if (!value) return report(value.error());
    std::cout << format_json(*value);
    std::cout.flush();
    return std::cout ? exit_success : exit_failure;
}

int settings_command(std::span<char const* const> words) {
    arguments const args(words, {"global", "local"}, {});
    auto const global = args.value("global").value_or(default_global_file().string());
    auto const local = args.value("local").value_or(".persist/settings.json");
    settings_store store(global, local);

    auto const& words_left = args.positional();
    if (words_left.empty()) throw usage_error{"expects an action: get, set, add or erase"};
    std::string const& action = words_left[0];
    if (action == "get") {
        if (words_left.size() > 2) throw usage_error{"get expects at most one POINTER"};
        return print_json(store.get(words_left.size() == 2 ? words_left[1] : ""));
    }
    if (action == "set" || action == "add") {
        auto const given = args.expect(4, action + " global|local POINTER JSON");
        auto const scope = parse_scope(given[1]);
        auto value = parse_json_argument(given[3]);
        if (action == "set") {
            if (auto set = store.set(scope, given[2], std::move(value)); !set)
                return report(set.error());
        } else if (auto added = store.add_unique(scope, given[2], std::move(value)); !added) {
            return report(added.error());
        }
        return exit_success;
    }
    if (action == "erase") {
        auto const given = args.expect(3, "erase global|local POINTER");
        if (auto erased = store.erase(parse_scope(given[1]), given[2]); !erased)
            return report(erased.error());
        return exit_success;
    }
    throw usage_error{"unknown action '" + action + "' (expects get, set, add or erase)"};
}

}  // namespace persist::cli
