// unique_handle: closes an Fs handle on every path out of a scope.
#ifndef PERSIST_DETAIL_UNIQUE_HANDLE_HPP
#define PERSIST_DETAIL_UNIQUE_HANDLE_HPP

#include <persist/fs/fs_policy.hpp>

#include <utility>

namespace persist::detail {

/// Owns one open handle of an Fs. close() reports the close error, which
/// matters for a written file (NFS reports write errors at close); the
/// destructor closes silently, for error paths.
template <class Fs>
class unique_handle {
public:
    unique_handle(Fs& fs, typename Fs::handle h) noexcept : fs_(&fs), handle_(h), open_(true) {}
    unique_handle(unique_handle&& other) noexcept
        : fs_(other.fs_), handle_(other.handle_), open_(std::exchange(other.open_, false)) {}
    unique_handle& operator=(unique_handle&&) = delete;
    ~unique_handle() { reset(); }

    typename Fs::handle get() const noexcept { return handle_; }

    /// Closes the handle, reporting the error. REQUIRES: still open.
    io_result<void> close() {
        open_ = false;
        return fs_->close(handle_);
    }

    /// Gives the handle up without closing it. REQUIRES: still open.
    typename Fs::handle release() noexcept {
        open_ = false;
        return handle_;
    }

    /// Closes the handle if it is still open, ignoring the error.
    void reset() noexcept {
        if (open_) (void)close();
    }

private:
    Fs* fs_;
    typename Fs::handle handle_;
    bool open_;
};

}  // namespace persist::detail

#endif
