// The `persist` command's argument parsing and exit conventions.
#include "command_line.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <iterator>

namespace persist::cli {

arguments::arguments(std::span<char const* const> words,
                     std::vector<std::string_view> value_options,
                     std::vector<std::string_view> flags) {
    auto known = [](auto const& names, std::string_view name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::string_view word = words[i];
        if (word == "--") {
            positional_.insert(positional_.end(),
                               words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end());
            break;
        }
        if (!word.starts_with("--") || word.size() == 2) {
            positional_.emplace_back(word);
            continue;
        }
        word.remove_prefix(2);
        auto const equals = word.find('=');
        std::string const name(word.substr(0, equals));
        if (known(value_options, name)) {
            if (equals != std::string_view::npos) {
                values_.emplace_back(name, word.substr(equals + 1));
            } else if (i + 1 < words.size()) {
                values_.emplace_back(name, words[++i]);
            } else {
                throw usage_error{"option --" + name + " needs a value"};
            }
        } else if (known(flags, name) && equals == std::string_view::npos) {
            flags_.push_back(name);
        } else {
            throw usage_error{"unknown option --" + name};
        }
    }
}

std::optional<std::string> arguments::value(std::string_view name) const {
    std::optional<std::string> last;  // the last occurrence wins, as in most tools
    for (auto const& [n, v] : values_) {
        if (n == name) last = v;
    }
    return last;
}

bool arguments::flag(std::string_view name) const {
    return std::find(flags_.begin(), flags_.end(), name) != flags_.end();
}

std::vector<std::string> arguments::expect(std::size_t count, std::string_view what) const {
    if (positional_.size() < count) throw usage_error{"expects " + std::string(what)};
    if (positional_.size() > count) {
        throw usage_error{"unexpected argument '" + positional_[count] + "' (expects " +
                          std::string(what) + ")"};
    }
    return positional_;
}

void print_error(std::string_view message) { std::cerr << "persist: " << message << '\n'; }

int report(error const& e) {
    print_error(e.message());
    bool const rejected_input = e.stage() == stage::validate || e.code() == errc::invalid_input;
    return rejected_input ? exit_usage : exit_failure;
}

result<std::string> read_standard_input() {
    std::string input;
    char buffer[64 * 1024];
    for (;;) {
        std::size_t const got = std::fread(buffer, 1, sizeof buffer, stdin);
        input.append(buffer, got);
        if (got < sizeof buffer) break;
    }
    if (std::ferror(stdin)) return error(stage::read, errno_code(errno), "<stdin>");
    return input;
}

mode_t parse_mode(std::string_view text) {
    unsigned mode = 0;
    auto const [end, failed] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
    if (text.empty() || failed != std::errc() || end != text.data() + text.size() || mode > 07777) {
        throw usage_error{"--mode expects an octal mode such as 600 or 0644, not '" +
                          std::string(text) + "'"};
    }
    return static_cast<mode_t>(mode);
}

}  // namespace persist::cli
