// Out-of-line definitions for <persist/fs/posix_fs.hpp>.
#ifndef PERSIST_FS_IMPL_POSIX_FS_IPP
#define PERSIST_FS_IMPL_POSIX_FS_IPP

#include <persist/fs/posix_fs.hpp>

#include <persist/fs/detail/retry.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace persist {

namespace detail {

inline io_result<void> void_or_errno(int r) {
    if (r == -1) return errno_code(errno);
    return {};
}

inline io_result<posix_fs::handle> handle_or_errno(int fd) {
    if (fd == -1) return errno_code(errno);
    return posix_fs::handle{fd};
}

inline file_status to_status(struct ::stat const& st) {
    file_status s;
    if (S_ISREG(st.st_mode))
        s.kind = file_kind::regular;
    else if (S_ISDIR(st.st_mode))
        s.kind = file_kind::directory;
    else if (S_ISLNK(st.st_mode))
        s.kind = file_kind::symlink;
    else
        s.kind = file_kind::other;
    s.device = st.st_dev;
    s.inode = st.st_ino;
    s.size = static_cast<std::uint64_t>(st.st_size);
    s.mode = st.st_mode & 07777;
    s.owner = st.st_uid;
    s.group = st.st_gid;
#if defined(__APPLE__)
    s.modified_ns = st.st_mtimespec.tv_sec * 1'000'000'000LL + st.st_mtimespec.tv_nsec;
#else
    s.modified_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
#endif
    s.links = st.st_nlink;
    return s;
}

// open(2) of p, as name_owner says. For a name persist owns: O_NOFOLLOW, so
// a symbolic link fails with ELOOP, even a dangling one under O_CREAT;
// O_NONBLOCK, so that a FIFO planted there cannot hang the open; O_NOCTTY;
// and then fstat, which lets only a regular file through. O_NONBLOCK stays
// set: on a regular file Linux ignores it, and flock(2) has its own flag.
inline io_result<posix_fs::handle> open_as(std::filesystem::path const& p, int flags, mode_t mode,
                                           name_owner owner) {
    flags |= O_CLOEXEC;
    if (owner == name_owner::persist) flags |= O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
    int const fd = retry_eintr([&] { return ::open(p.c_str(), flags, mode); });
    if (owner == name_owner::caller) return handle_or_errno(fd);
    if (fd == -1) {
        // A socket, or a FIFO that no one reads (O_WRONLY | O_NONBLOCK).
        if (errno == ENXIO) return make_error_code(errc::not_regular_file);
        return errno_code(errno);
    }
    struct ::stat st {};
    if (::fstat(fd, &st) == -1) {
        int const fstat_errno = errno;
        ::close(fd);
        return errno_code(fstat_errno);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return S_ISDIR(st.st_mode) ? errno_code(EISDIR) : make_error_code(errc::not_regular_file);
    }
    return posix_fs::handle{fd};
}

}  // namespace detail

PERSIST_DECL io_result<posix_fs::handle> posix_fs::open_read(std::filesystem::path const& p,
                                                             name_owner owner) {
    return detail::open_as(p, O_RDONLY, 0, owner);
}

PERSIST_DECL io_result<posix_fs::handle> posix_fs::create_exclusive(std::filesystem::path const& p,
                                                                    mode_t mode) {
    return detail::handle_or_errno(detail::retry_eintr([&] {
        return ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    }));
}

PERSIST_DECL io_result<posix_fs::handle> posix_fs::create_anonymous(
    std::filesystem::path const& dir, mode_t mode) {
#if defined(O_TMPFILE)
    return detail::handle_or_errno(detail::retry_eintr(
        [&] { return ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode); }));
#else
    (void)dir;
    (void)mode;
    return errno_code(EOPNOTSUPP);
#endif
}

PERSIST_DECL io_result<posix_fs::handle> posix_fs::open_append(std::filesystem::path const& p,
                                                               mode_t mode, name_owner owner) {
    return detail::open_as(p, O_WRONLY | O_APPEND | O_CREAT, mode, owner);
}

PERSIST_DECL io_result<void> posix_fs::write(handle h, std::span<std::byte const> bytes) {
    return detail::write_all(
        [&](std::span<std::byte const> rest) { return ::write(h.fd, rest.data(), rest.size()); },
        bytes);
}

PERSIST_DECL io_result<std::size_t> posix_fs::read(handle h, std::span<std::byte> buffer) {
    auto const n = detail::retry_eintr([&] { return ::read(h.fd, buffer.data(), buffer.size()); });
    if (n == -1) return errno_code(errno);
    return static_cast<std::size_t>(n);
}

PERSIST_DECL io_result<std::size_t> posix_fs::read_at(handle h, std::uint64_t offset,
                                                      std::span<std::byte> buffer) {
    return detail::read_all_at(
        [&](std::uint64_t at, std::span<std::byte> rest) {
            return ::pread(h.fd, rest.data(), rest.size(), static_cast<off_t>(at));
        },
        offset, buffer);
}

PERSIST_DECL io_result<void> posix_fs::truncate(handle h, std::uint64_t size) {
    return detail::void_or_errno(
        detail::retry_eintr([&] { return ::ftruncate(h.fd, static_cast<off_t>(size)); }));
}

PERSIST_DECL io_result<void> posix_fs::sync_data(handle h) {
#if defined(__APPLE__)
    return detail::void_or_errno(::fsync(h.fd));
#else
    return detail::void_or_errno(::fdatasync(h.fd));
#endif
}

PERSIST_DECL io_result<void> posix_fs::sync_full(handle h) {
#if defined(__APPLE__)
    if (::fcntl(h.fd, F_FULLFSYNC) == 0) return {};
        // F_FULLFSYNC is refused by some filesystems (network, FAT); fsync is then the best
        // available.
#endif
    return detail::void_or_errno(::fsync(h.fd));
}

PERSIST_DECL io_result<void> posix_fs::close(handle h) {
    // Never retry close(2) on EINTR: on Linux the descriptor is already gone.
    return detail::void_or_errno(::close(h.fd));
}

PERSIST_DECL io_result<void> posix_fs::rename(std::filesystem::path const& from,
                                              std::filesystem::path const& to) {
    return detail::void_or_errno(
        detail::retry_eintr([&] { return ::rename(from.c_str(), to.c_str()); }));
}

PERSIST_DECL io_result<void> posix_fs::link_handle(handle h, std::filesystem::path const& p) {
#if defined(AT_EMPTY_PATH)
    // linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; the /proc path works unprivileged.
    if (detail::retry_eintr(
            [&] { return ::linkat(h.fd, "", AT_FDCWD, p.c_str(), AT_EMPTY_PATH); }) == 0)
        return {};
    if (errno != ENOENT && errno != EPERM) return errno_code(errno);
    char proc_path[64];
    std::snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", h.fd);
    return detail::void_or_errno(detail::retry_eintr(
        [&] { return ::linkat(AT_FDCWD, proc_path, AT_FDCWD, p.c_str(), AT_SYMLINK_FOLLOW); }));
#else
    (void)h;
    (void)p;
    return errno_code(EOPNOTSUPP);
#endif
}

PERSIST_DECL io_result<void> posix_fs::link(std::filesystem::path const& from,
                                            std::filesystem::path const& to) {
    return detail::void_or_errno(
        detail::retry_eintr([&] { return ::link(from.c_str(), to.c_str()); }));
}

PERSIST_DECL io_result<void> posix_fs::unlink(std::filesystem::path const& p) {
    return detail::void_or_errno(detail::retry_eintr([&] { return ::unlink(p.c_str()); }));
}

PERSIST_DECL io_result<void> posix_fs::sync_directory(std::filesystem::path const& dir) {
    int const fd = detail::retry_eintr(
        [&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd == -1) return errno_code(errno);
    int const synced = ::fsync(fd);
    int const sync_errno = errno;
    ::close(fd);
    if (synced == -1) return errno_code(sync_errno);
    return {};
}

PERSIST_DECL io_result<void> posix_fs::make_directory(std::filesystem::path const& p, mode_t mode) {
    return detail::void_or_errno(detail::retry_eintr([&] { return ::mkdir(p.c_str(), mode); }));
}

PERSIST_DECL io_result<file_status> posix_fs::stat(std::filesystem::path const& p) {
    struct ::stat st {};
    if (detail::retry_eintr([&] { return ::stat(p.c_str(), &st); }) == -1) return errno_code(errno);
    return detail::to_status(st);
}

PERSIST_DECL io_result<file_status> posix_fs::lstat(std::filesystem::path const& p) {
    struct ::stat st {};
    if (detail::retry_eintr([&] { return ::lstat(p.c_str(), &st); }) == -1)
        return errno_code(errno);
    return detail::to_status(st);
}

PERSIST_DECL io_result<file_status> posix_fs::stat(handle h) {
    struct ::stat st {};
    if (detail::retry_eintr([&] { return ::fstat(h.fd, &st); }) == -1) return errno_code(errno);
    return detail::to_status(st);
}

PERSIST_DECL io_result<void> posix_fs::set_mode(handle h, mode_t mode) {
    return detail::void_or_errno(detail::retry_eintr([&] { return ::fchmod(h.fd, mode); }));
}

PERSIST_DECL io_result<void> posix_fs::set_owner(handle h, uid_t owner, gid_t group) {
    return detail::void_or_errno(detail::retry_eintr([&] { return ::fchown(h.fd, owner, group); }));
}

PERSIST_DECL io_result<std::filesystem::path> posix_fs::read_symlink(
    std::filesystem::path const& p) {
    std::string target(256, '\0');
    for (;;) {
        auto const n = detail::retry_eintr(
            [&] { return ::readlink(p.c_str(), target.data(), target.size()); });
        if (n == -1) return errno_code(errno);
        if (static_cast<std::size_t>(n) < target.size()) {
            target.resize(static_cast<std::size_t>(n));
            return std::filesystem::path(std::move(target));
        }
        target.resize(target.size() * 2);
    }
}

PERSIST_DECL io_result<std::vector<std::string>> posix_fs::list_directory(
    std::filesystem::path const& dir) {
    DIR* const d = ::opendir(dir.c_str());
    if (d == nullptr) return errno_code(errno);
    std::vector<std::string> names;
    errno = 0;
    while (dirent const* entry = ::readdir(d)) {
        std::string_view const name = entry->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
    }
    int const read_errno = errno;
    ::closedir(d);
    if (read_errno != 0) return errno_code(read_errno);
    return names;
}

PERSIST_DECL io_result<posix_fs::handle> posix_fs::lock(std::filesystem::path const& p) {
    auto opened = detail::open_as(p, O_RDWR | O_CREAT, 0600, name_owner::persist);
    if (!opened) return opened;
    int const fd = opened->fd;
    // flock locks belong to the open file description, so two handles in one
    // process exclude each other too (unlike fcntl record locks).
    if (detail::retry_eintr([&] { return ::flock(fd, LOCK_EX); }) == -1) {
        int const lock_errno = errno;
        ::close(fd);
        return errno_code(lock_errno);
    }
    return handle{fd};
}

PERSIST_DECL mode_t posix_fs::umask() {
    if (std::FILE* status = std::fopen("/proc/self/status", "re")) {
        char line[256];
        unsigned mask = 0;
        bool found = false;
        while (!found && std::fgets(line, sizeof line, status))
            found = std::sscanf(line, "Umask: %o", &mask) == 1;
        std::fclose(status);
        if (found) return static_cast<mode_t>(mask);
    }
    // No /proc (or a kernel before 4.7): umask(2) can only be read by setting it.
    static std::mutex umask_mutex;
    std::lock_guard const guard(umask_mutex);
    mode_t const mask = ::umask(022);
    ::umask(mask);
    return mask;
}

}  // namespace persist

#endif
