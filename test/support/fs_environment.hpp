// A place to run tests for each Fs model: the model, a root directory in it,
// and a directory for the temp_dir naming policy on the same device.
#ifndef PERSIST_TEST_SUPPORT_FS_ENVIRONMENT_HPP
#define PERSIST_TEST_SUPPORT_FS_ENVIRONMENT_HPP

#include "support/temp_directory.hpp"

#include <persist/fs/posix_fs.hpp>
#include <persist/testing/counting_fs.hpp>
#include <persist/testing/fault_fs.hpp>
#include <persist/testing/memory_fs.hpp>

#include <sys/stat.h>

#include <optional>
#include <stdexcept>
#include <system_error>

namespace persist::test {

/// fs_environment<Fs> provides: `Fs fs;`, `root()` (an empty directory),
/// `temp_root()` (an empty directory on the same device as root()), and
/// `make_symlink(target, link)`, `make_fifo(p)` and `set_umask(mask)`,
/// which fs_policy has no call for. A umask set through it is undone when it is destroyed.
/// Specialized for each Fs model; decorators get their inner model's.
template <class Fs>
struct fs_environment;

template <>
struct fs_environment<posix_fs> {
    temp_directory directory;
    posix_fs fs;

    fs_environment() {
        std::filesystem::create_directory(root());
        std::filesystem::create_directory(temp_root());
    }
    fs_environment(fs_environment const&) = delete;
    fs_environment& operator=(fs_environment const&) = delete;
    ~fs_environment() {
        if (saved_umask_) ::umask(*saved_umask_);
    }
    std::filesystem::path root() const { return directory / "root"; }
    std::filesystem::path temp_root() const { return directory / "tmp"; }
    void make_symlink(std::filesystem::path const& target, std::filesystem::path const& link) {
        std::filesystem::create_symlink(target, link);
    }
    void make_fifo(std::filesystem::path const& p) {
        if (::mkfifo(p.c_str(), 0644) == -1)
            throw std::system_error(errno, std::generic_category(), "mkfifo " + p.string());
    }
    /// The process's umask: REQUIRES no other thread creates files meanwhile.
    void set_umask(mode_t mask) {
        mode_t const previous = ::umask(mask);
        if (!saved_umask_) saved_umask_ = previous;
    }

private:
    std::optional<mode_t> saved_umask_;
};

/// A fresh memory_fs with "/work" as root() and "/tmp" as temp_root(), both
/// durable, so a crash loses only what the test did.
template <>
struct fs_environment<memory_fs> {
    memory_fs fs;

    explicit fs_environment(memory_fs_options options = {}) : fs(options) {
        (void)fs.make_directory(root(), 0755);
        (void)fs.make_directory(temp_root(), 0777);
        fs.sync_all();
    }
    std::filesystem::path root() const { return "/work"; }
    std::filesystem::path temp_root() const { return "/tmp"; }
    void make_symlink(std::filesystem::path const& target, std::filesystem::path const& link) {
        if (auto made = fs.symlink(target, link); !made) {
            throw std::system_error(made.error(), "symlink " + link.string());
        }
    }
    void make_fifo(std::filesystem::path const& p) {
        if (auto made = fs.make_fifo(p); !made)
            throw std::system_error(made.error(), "mkfifo " + p.string());
    }
    void set_umask(mode_t mask) { fs.set_umask(mask); }
};

/// A decorator runs in its inner model's environment.
template <template <class> class Decorator, class Inner>
struct decorated_environment {
    fs_environment<Inner> inner;
    Decorator<Inner> fs{inner.fs};

    std::filesystem::path root() const { return inner.root(); }
    std::filesystem::path temp_root() const { return inner.temp_root(); }
    void make_symlink(std::filesystem::path const& target, std::filesystem::path const& link) {
        inner.make_symlink(target, link);
    }
    void make_fifo(std::filesystem::path const& p) { inner.make_fifo(p); }
    void set_umask(mode_t mask) { inner.set_umask(mask); }
};

template <class Inner>
struct fs_environment<counting_fs<Inner>> : decorated_environment<counting_fs, Inner> {};

/// fault_fs with no fault armed, but with short writes and interrupted
/// calls switched on: transparent to every caller, as fs_policy requires,
/// which every test in this environment then proves.
template <class Inner>
struct fs_environment<fault_fs<Inner>> : decorated_environment<fault_fs, Inner> {
    fs_environment() {
        this->fs.set_short_writes(true);
        this->fs.set_interruptions(true);
    }
};

}  // namespace persist::test

#endif
