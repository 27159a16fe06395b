// lock_probe_fs: posix_fs that records, at every open_read and rename,
// whether someone holds the lock on one lock file.
#ifndef PERSIST_TEST_SUPPORT_LOCK_PROBE_FS_HPP
#define PERSIST_TEST_SUPPORT_LOCK_PROBE_FS_HPP

#include <persist/fs/fs_decorator.hpp>
#include <persist/fs/posix_fs.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace persist::test {

/// flock(LOCK_NB) from a fresh descriptor fails with EWOULDBLOCK exactly
/// when another descriptor, in this process or any other, holds the lock.
/// Copies share the record.
class lock_probe_fs : public fs_decorator<lock_probe_fs, posix_fs> {
public:
    struct probe {
        fs_op op;
        bool locked;
    };

    explicit lock_probe_fs(std::filesystem::path lock_file)
        : lock_file_(std::move(lock_file)), probes_(std::make_shared<std::vector<probe>>()) {}

    std::vector<probe> const& probes() const { return *probes_; }

    bool locked_by_someone() const {
        int const fd = ::open(lock_file_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd == -1) return false;
        bool const locked = ::flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK;
        ::close(fd);  // also releases the lock if the probe got it
        return locked;
    }

    std::optional<std::error_code> intercept(fs_op op) {
        if (op == fs_op::open_read || op == fs_op::rename)
            probes_->push_back({op, locked_by_someone()});
        return std::nullopt;
    }

private:
    std::filesystem::path lock_file_;
    std::shared_ptr<std::vector<probe>> probes_;
};

}  // namespace persist::test

#endif
