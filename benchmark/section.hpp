// A section of persist-bench: one file that measures one part of persist.
//
// To add a section, write benchmark/<name>_section.cpp that defines
//     extern section const <name>_section = {"<name>", "<summary>", &run};
// and list it in all_sections (main.cpp), the one registration point.
#ifndef PERSIST_BENCH_SECTION_HPP
#define PERSIST_BENCH_SECTION_HPP

#include "progress.hpp"
#include "report.hpp"

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace persist::bench {

/// How long to measure: quick for the README command, full for the record.
struct run_mode {
    std::string_view name;
    int rounds = 1;            ///< alternating library/raw rounds per measurement
    double batch_seconds = 0;  ///< the target duration of one batch
};

inline constexpr run_mode quick_mode{"quick", 11, 0.08};
inline constexpr run_mode full_mode{"full", 21, 0.35};

/// Thrown by section_context::check_interrupted after Ctrl-C.
struct interrupted : std::runtime_error {
    interrupted() : std::runtime_error("interrupted") {}
};

/// What a section gets to work with.
struct section_context {
    run_mode mode;
    std::filesystem::path directory;  ///< fresh and empty, on the disk being measured
    progress_line& progress;
    section_report& report;          ///< this section's tables, notes and figures
    std::vector<goal>& goals;        ///< the run's goals; a section appends its own
    std::vector<bar_chart>& charts;  ///< the run's charts; a section appends its own
    std::atomic<bool> const& stop_requested;

    /// Call between batches: leaves the section (by throwing) after Ctrl-C,
    /// so that the working directory is still removed.
    void check_interrupted() const {
        if (stop_requested.load()) throw interrupted();
    }
};

struct section {
    std::string_view name;
    std::string_view summary;  ///< one line, for --help
    void (*run)(section_context& context);
};

}  // namespace persist::bench

#endif
