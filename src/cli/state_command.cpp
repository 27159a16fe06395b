// persist state: a state file of free-form JSON from the shell.
#include "commands.hpp"

#include <persist/json_pointer.hpp>
#include <persist/store/state_file.hpp>

namespace persist::cli {

int state_command(std::span<char const* const> words) {
    arguments const args(words, {}, {});
    auto const& given = args.positional();
    if (given.size() < 2) throw usage_error{"expects FILE get [POINTER] or FILE set POINTER JSON"};
    state_file<boost::json::value> const state(given[0]);
    auto tell_recovery = [](load_report const& r) {
        if (r.outcome != load_outcome::loaded || r.migrated()) print_error(r.summary());
    };

    if (given[1] == "get") {
        if (given.size() > 3) throw usage_error{"get expects at most one POINTER"};
        auto loaded = state.load();
        if (!loaded) return report(loaded.error());
        tell_recovery(loaded->report);
        if (loaded->state.is_null()) loaded->state = boost::json::object();  // no state yet: empty
        if (given.size() == 2) return print_json(loaded->state);
        auto found = find_at_pointer(std::as_const(loaded->state), given[2]);
        if (!found) return report(found.error());
        return print_json(**found);
    }
    if (given[1] == "set") {
        if (given.size() != 4) throw usage_error{"set expects POINTER JSON"};
        auto value = parse_json_argument(given[3]);
        auto updated = state.update([&](boost::json::value& root) -> result<void> {
            if (root.is_null()) root = boost::json::object();
            return set_at_pointer(root, given[2], std::move(value));
        });
        if (!updated) return report(updated.error());
        tell_recovery(updated->report);
        return exit_success;
    }
    throw usage_error{"unknown action '" + given[1] + "' (expects get or set)"};
}

}  // namespace persist::cli
