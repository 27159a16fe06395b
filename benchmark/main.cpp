// persist-bench: what each durability tier costs, and what it buys.
#include "environment.hpp"
#include "options.hpp"
#include "report.hpp"
#include "section.hpp"
#include "svg_chart.hpp"

#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iostream>

namespace persist::bench {

// The sections, in the order they run: the one registration point. Each is
// defined in its own benchmark/<name>_section.cpp.
extern section const replace_section;
extern section const jsonl_section;
extern section const jsonl_open_section;
extern section const settings_section;
extern section const state_section;
section const* const all_sections[] = {&replace_section, &jsonl_section, &jsonl_open_section,
                                       &settings_section, &state_section};

namespace {

constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
constexpr int exit_interrupted = 130;

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) { stop_requested.store(true); }

/// Ctrl-C (or SIGTERM) lets the current batch finish, then the working
/// directory is removed; a second one kills at once.
void install_stop_handler() {
    struct sigaction action {};
    action.sa_handler = request_stop;
    action.sa_flags = SA_RESTART | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

/// A path given on the command line must be usable before minutes of measuring.
void check_paths(options const& opts) {
    if (opts.directory && !std::filesystem::is_directory(*opts.directory)) {
        throw options_error("--dir '" + opts.directory->string() + "' is not a directory");
    }
    for (auto const* file : {&opts.json_file, &opts.svg_file, &opts.markdown_file}) {
        if (!*file) continue;
        auto const parent =
            (*file)->parent_path().empty() ? std::filesystem::path(".") : (*file)->parent_path();
        if (!std::filesystem::is_directory(parent)) {
            throw options_error("cannot write '" + (*file)->string() + "': no directory '" +
                                parent.string() + "'");
        }
    }
}

template <class Write>
void write_file(std::filesystem::path const& path, Write write) {
    std::ofstream out(path);
    write(out);
    out.close();
    if (!out) throw std::runtime_error("cannot write '" + path.string() + "'");
}

std::vector<section const*> selected_sections(options const& opts) {
    std::vector<section const*> chosen;
    for (auto const* s : all_sections) {
        if (opts.sections.empty() ||
            std::find(opts.sections.begin(), opts.sections.end(), s->name) != opts.sections.end()) {
            chosen.push_back(s);
        }
    }
    return chosen;
}

int run(options const& opts) {
    auto const mode = opts.quick ? quick_mode : full_mode;
    auto const base = opts.directory ? *opts.directory : std::filesystem::temp_directory_path();
    work_directory const work(base);
    install_stop_handler();
    auto const start = bench_clock::now();

    report r;
    r.run.mode = mode.name;
    r.run.directory = std::filesystem::absolute(base).string();
    describe_machine(r.run, work.path());
    progress_line progress(::isatty(STDERR_FILENO) == 1);
    for (auto const* s : selected_sections(opts)) {
        auto const directory = work.path() / s->name;
        std::filesystem::create_directory(directory);
        auto& section_out = r.add_section(std::string(s->name));
        section_context context{mode,    directory, progress,      section_out,
                                r.goals, r.charts,  stop_requested};
        try {
            s->run(context);
        } catch (interrupted const&) {
            progress.clear();
            std::cerr << "persist-bench: interrupted; removing " << work.path().string() << '\n';
            return exit_interrupted;
        } catch (std::exception const& e) {
            progress.clear();
            std::cerr << "persist-bench: section '" << s->name << "' failed: " << e.what() << '\n';
            return exit_failed;
        }
    }
    progress.clear();
    r.run.seconds = seconds_since(start);
    r.run.load_after = load_average();
    if (r.run.busy()) {
        for (auto& g : r.goals)
            g.caveat = busy_machine_caveat;
    }
    print_text(r, std::cout);
    if (opts.json_file)
        write_file(*opts.json_file, [&](std::ostream& out) { print_json(to_json(r), out); });
    if (opts.svg_file)
        write_file(*opts.svg_file, [&](std::ostream& out) { write_svg(r.charts, out); });
    if (opts.markdown_file)
        write_file(*opts.markdown_file, [&](std::ostream& out) { print_markdown(r, out); });
    return 0;
}

}  // namespace
}  // namespace persist::bench

int main(int argc, char** argv) {
    using namespace persist::bench;
    std::vector<std::string_view> names;
    std::vector<std::string> summaries;
    for (auto const* s : all_sections) {
        names.push_back(s->name);
        summaries.push_back(std::string(s->name) + "  " + std::string(s->summary));
    }
    options opts;
    try {
        opts = parse_options(
            std::span<char const* const>(argv + 1, static_cast<std::size_t>(argc - 1)), names);
        if (opts.help) {
            std::cout << usage(summaries);
            return 0;
        }
        check_paths(opts);
    } catch (options_error const& e) {
        std::cerr << "persist-bench: " << e.what() << "\nTry 'persist-bench --help'.\n";
        return exit_usage;
    }
    try {
        return run(opts);
    } catch (std::exception const& e) {
        std::cerr << "persist-bench: " << e.what() << '\n';
        return exit_failed;
    }
}
