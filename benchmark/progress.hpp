// The progress line: one line on stderr, rewritten in place with '\r'.
#ifndef PERSIST_BENCH_PROGRESS_HPP
#define PERSIST_BENCH_PROGRESS_HPP

#include "measure.hpp"

#include <cstddef>
#include <string>

namespace persist::bench {

/// Shows what is running now, on stderr, if stderr is a terminal (a log file
/// would fill with carriage returns). Updates are throttled to 10 a second.
///
/// Thread safety: none; the benchmark's main thread owns it.
class progress_line {
public:
    explicit progress_line(bool enabled);
    progress_line(progress_line const&) = delete;
    progress_line& operator=(progress_line const&) = delete;
    ~progress_line() { clear(); }

    /// Replaces the line with `text`, prefixed by the elapsed time.
    void update(std::string const& text);

    /// Erases the line, so that what follows starts on a clean one.
    void clear();

private:
    bool enabled_;
    std::size_t shown_width_ = 0;
    bench_clock::time_point start_ = bench_clock::now();
    bench_clock::time_point last_update_{};
};

}  // namespace persist::bench

#endif
