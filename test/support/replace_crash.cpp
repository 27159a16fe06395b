// Crash checks of atomic_file::replace (see replace_crash.hpp).
#include "support/replace_crash.hpp"

#include "support/fs_inspect.hpp"

#include <cstdio>

namespace persist::test {
namespace {

std::span<std::byte const> bytes_of(std::string_view text) {
    return std::as_bytes(std::span(text.data(), text.size()));
}

// Versions of different lengths, so that a torn or mixed one never passes
// for another.
std::string version_text(std::size_t k) {
    static char const* const texts[] = {
        "{\"version\": 0, \"note\": \"what was there before\"}\n",
        "{\"version\": 1}\n",
        "{\"version\": 2, \"padding\": \"a longer second version of the state\"}\n",
        "{\"version\": 3, \"x\": 3}\n",
    };
    if (k < std::size(texts)) return texts[k];
    return "{\"version\": " + std::to_string(k) + ", \"filler\": \"" + std::string(k * 3, 'f') +
           "\"}\n";
}

void make_base_directories(memory_fs& fs) {
    (void)fs.make_directory("/work", 0755);
    (void)fs.make_directory(crash_temp_root, 0777);
}

void write_existing(memory_fs& fs, std::filesystem::path const& p, std::string const& text,
                    mode_t mode) {
    auto h = fs.create_exclusive(p, 0600);
    if (!h) return;
    (void)fs.write(*h, bytes_of(text));
    (void)fs.set_mode(*h, mode);
    (void)fs.close(*h);
}

replace_workload replaces_of_existing(std::string name, replace_function const& replace,
                                      std::size_t count) {
    replace_workload w;
    w.name = std::move(name);
    w.history.target = "/work/state.json";
    for (std::size_t k = 0; k <= count; ++k)
        w.history.versions.emplace_back(version_text(k));
    w.workload.setup = [h = w.history](memory_fs& fs) {
        make_base_directories(fs);
        write_existing(fs, h.target, *h.versions[0], h.mode);
    };
    for (std::size_t k = 1; k <= count; ++k) {
        w.workload.steps.emplace_back(
            [replace, target = w.history.target, text = *w.history.versions[k]](memory_fs& fs) {
                return replace(fs, target, text);
            });
    }
    return w;
}

std::string shown(std::optional<std::string> const& content) {
    if (!content) return "<missing>";
    std::string text = "\"";
    for (char c : content->substr(0, 48)) {
        if (c == '\n')
            text += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            text += '?';
        else
            text += c;
    }
    return text + (content->size() > 48 ? "\"…" : "\"") + " (" + std::to_string(content->size()) +
           " bytes)";
}

std::string octal(mode_t mode) {
    char text[16];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
    return text;
}

// What the rebooted machine holds at the target, or why it cannot say.
struct observed {
    std::optional<std::string> content;
    mode_t mode = 0;
    std::string trouble;
};

observed observe(memory_fs& fs, std::filesystem::path const& target) {
    observed seen;
    auto status = fs.stat(target);
    if (!status) {
        if (status.error() != std::errc::no_such_file_or_directory)
            seen.trouble = "cannot stat the target: " + status.error().message();
        return seen;
    }
    auto content = detail::read_whole_file(fs, target);
    if (!content) {
        seen.trouble = "cannot read the target: " + content.error().message();
        return seen;
    }
    seen.content = std::move(*content);
    seen.mode = status->mode;
    return seen;
}

// The versions the target may hold: the one before the workload, and
// those of the steps that reported success, in order.
struct committed_versions {
    std::vector<std::size_t> all;  // indexes into versions: 0, then each successful step's
    std::size_t last() const { return all.back(); }
};

committed_versions committed(crash_moment const& moment) {
    committed_versions c{{0}};
    for (std::size_t k = 0; k < moment.succeeded.size(); ++k) {
        if (moment.succeeded[k]) c.all.push_back(k + 1);
    }
    return c;
}

// The target must hold one of the given versions, whole.
std::string expect_one_of(replace_history const& h, observed const& seen,
                          std::vector<std::size_t> const& allowed) {
    for (auto const v : allowed) {
        if (h.versions[v] == seen.content) return {};
    }
    std::string expected;
    for (auto const v : allowed)
        expected += (expected.empty() ? "" : " or ") + shown(h.versions[v]);
    return "expected " + expected + ", found " + shown(seen.content);
}

// The last committed version, and during a step also the step's own.
std::vector<std::size_t> latest(crash_moment const& moment) {
    std::vector<std::size_t> allowed{committed(moment).last()};
    if (moment.in_step) allowed.push_back(moment.completed + 1);
    return allowed;
}

}  // namespace

replace_workload one_replace(replace_function const& replace) {
    return replaces_of_existing("one replace", replace, 1);
}

replace_workload three_replaces(replace_function const& replace) {
    return replaces_of_existing("three replaces", replace, 3);
}

replace_workload many_replaces(replace_function const& replace, std::size_t count) {
    return replaces_of_existing(std::to_string(count) + " replaces", replace, count);
}

replace_workload replace_creating_parents(replace_function const& replace) {
    replace_workload w;
    w.name = "replace creating two parents";
    w.history.target = "/work/a/b/state.json";
    w.history.versions = {std::nullopt, version_text(1)};
    w.workload.setup = make_base_directories;
    w.workload.steps.emplace_back(
        [replace, target = w.history.target, text = *w.history.versions[1]](memory_fs& fs) {
            return replace(fs, target, text);
        });
    return w;
}

crash_invariant power_loss_invariant(power_loss_promise promise, bool mode_durable,
                                     replace_history history) {
    return [=, h = std::move(history)](memory_fs& fs, crash_moment const& moment) -> std::string {
        if (promise == power_loss_promise::none) return {};
        auto const seen = observe(fs, h.target);
        if (!seen.trouble.empty()) return seen.trouble;
        std::string wrong;
        if (promise == power_loss_promise::durable) {
            wrong = expect_one_of(h, seen, latest(moment));
        } else if (seen.content) {
            auto allowed = committed(moment).all;
            if (moment.in_step) allowed.push_back(moment.completed + 1);
            wrong = expect_one_of(h, seen, allowed);
        }
        if (!wrong.empty()) return wrong;
        if (mode_durable && seen.content && seen.mode != h.mode) {
            return "mode " + octal(seen.mode) + " instead of " + octal(h.mode);
        }
        return {};
    };
}

crash_invariant process_crash_invariant(replace_history history) {
    return [h = std::move(history)](memory_fs& fs, crash_moment const& moment) -> std::string {
        auto const seen = observe(fs, h.target);
        if (!seen.trouble.empty()) return seen.trouble;
        if (auto wrong = expect_one_of(h, seen, latest(moment)); !wrong.empty()) return wrong;
        if (seen.content && seen.mode != h.mode)
            return "mode " + octal(seen.mode) + " instead of " + octal(h.mode);
        return {};
    };
}

namespace {

// Whether the workload's steps all succeeded and no image broke the
// invariants; adds what was checked to the verdict's counts.
bool holds(replace_workload const& workload, crash_invariant power_loss,
           crash_invariant process_crash, crash_options const& options, crash_verdict& verdict) {
    crash_check check;
    check.power_loss = std::move(power_loss);
    check.process_crash = std::move(process_crash);
    check.options = options;
    check.kept_violations = 0;
    auto const report = run_crash_check(workload.workload, check);
    verdict.crash_points += report.crash_points;
    verdict.images += report.power_loss_images + report.process_images;
    bool const all_succeeded =
        report.step_results == std::vector<bool>(workload.workload.steps.size(), true);
    return all_succeeded && report.violation_count == 0;
}

}  // namespace

crash_verdict judge_replace(replace_function const& replace, crash_options const& options) {
    crash_verdict verdict{true, true, true, 0, 0};
    for (auto const& workload : {one_replace(replace), three_replaces(replace)}) {
        auto const& h = workload.history;
        if (!holds(workload, power_loss_invariant(power_loss_promise::whole_if_present, false, h),
                   process_crash_invariant(h), options, verdict)) {
            // One run checks both: find out which of the two failed.
            verdict.process_crash =
                verdict.process_crash &&
                holds(workload, {}, process_crash_invariant(h), options, verdict);
            verdict.power_loss_atomic =
                verdict.power_loss_atomic &&
                holds(workload,
                      power_loss_invariant(power_loss_promise::whole_if_present, false, h), {},
                      options, verdict);
        }
        verdict.power_loss_durable =
            verdict.power_loss_durable &&
            holds(workload, power_loss_invariant(power_loss_promise::durable, true, h), {}, options,
                  verdict);
    }
    return verdict;
}

}  // namespace persist::test
