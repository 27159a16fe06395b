// The progress line on stderr.
#include "progress.hpp"

#include <cstdio>

namespace persist::bench {

progress_line::progress_line(bool enabled) : enabled_(enabled) {}

void progress_line::update(std::string const& text) {
    if (!enabled_) return;
    auto const now = bench_clock::now();
    if (now - last_update_ < std::chrono::milliseconds(100)) return;
    last_update_ = now;
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "[%4.0f s] ", seconds_since(start_));
    std::string line = elapsed + text;
    std::size_t const width = line.size();
    if (width < shown_width_)
        line.append(shown_width_ - width, ' ');  // erase the rest of a longer line
    std::fprintf(stderr, "\r%s", line.c_str());
    std::fflush(stderr);
    shown_width_ = width;
}

void progress_line::clear() {
    if (!enabled_ || shown_width_ == 0) return;
    std::fprintf(stderr, "\r%s\r", std::string(shown_width_, ' ').c_str());
    std::fflush(stderr);
    shown_width_ = 0;
}

}  // namespace persist::bench
