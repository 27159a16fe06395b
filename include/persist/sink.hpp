// sink: where a replace_with writer puts its bytes.
#ifndef PERSIST_SINK_HPP
#define PERSIST_SINK_HPP

#include <persist/config.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

namespace persist {

/// A buffered byte sink over the temporary file of a replace_with. A writer
/// may call write() any number of times with pieces of any size; small
/// pieces are gathered into 64 KiB writes, large ones go straight through.
///
/// The first failure is sticky: later writes are ignored, and replace_with
/// reports that failure once the writer returns. A writer that wants to stop
/// early can check failed().
///
/// Thread safety: none; a sink belongs to the writer it was handed to.
class sink {
public:
    /// Writes bytes out to the file: `context` is the owner's state.
    using flush_function = std::error_code (*)(void* context, std::span<std::byte const> bytes);

    sink(flush_function flush, void* context) : flush_(flush), context_(context) {
        buffer_.reserve(capacity);
    }
    sink(sink const&) = delete;
    sink& operator=(sink const&) = delete;

    void write(std::span<std::byte const> bytes) {
        if (error_) return;
        if (buffer_.size() + bytes.size() <= capacity) {
            buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
            return;
        }
        if (flush()) return;
        if (bytes.size() >= capacity) {
            error_ = flush_(context_, bytes);
        } else {
            buffer_.assign(bytes.begin(), bytes.end());
        }
    }
    void write(std::string_view text) { write(std::as_bytes(std::span(text.data(), text.size()))); }

    bool failed() const noexcept { return static_cast<bool>(error_); }
    std::error_code error() const noexcept { return error_; }

    /// Writes out what is buffered; returns the sticky error, if any.
    std::error_code flush() {
        if (!error_ && !buffer_.empty()) {
            error_ = flush_(context_, buffer_);
            buffer_.clear();
        }
        return error_;
    }

private:
    static constexpr std::size_t capacity = 64 * 1024;

    flush_function flush_;
    void* context_;
    std::vector<std::byte> buffer_;
    std::error_code error_;
};

}  // namespace persist

#endif
