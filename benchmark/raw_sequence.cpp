// The raw syscall sequence of each durability tier.
#include "raw_sequence.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace persist::bench {

namespace {

/// `.<name>.raw-tmp` beside target: one fixed name, as the simplest hand-written code uses.
std::filesystem::path temp_beside(std::filesystem::path const& target) {
    std::string name = ".";
    name += target.filename().string();
    name += ".raw-tmp";
    return target.parent_path() / name;
}

[[noreturn]] void fail(char const* call, std::string const& path) {
    throw std::system_error(errno, std::generic_category(),
                            std::string("raw sequence: ") + call + " '" + path + "'");
}

}  // namespace

raw_replacer::raw_replacer(raw_sequence sequence, std::filesystem::path target,
                           std::string_view payload)
    : sequence_(sequence),
      target_(target.string()),
      temp_(temp_beside(target).string()),
      directory_(target.parent_path().string()),
      payload_(payload) {}

void raw_replacer::replace() const {
    int const fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd == -1) fail("open", temp_);
    std::string_view rest = payload_;
    while (!rest.empty()) {
        auto const n = ::write(fd, rest.data(), rest.size());
        if (n == -1 && errno == EINTR) continue;
        if (n <= 0) fail("write", temp_);
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (sequence_.sync_temp == raw_sequence::file_sync::fdatasync && ::fdatasync(fd) == -1)
        fail("fdatasync", temp_);
    if (sequence_.sync_temp == raw_sequence::file_sync::fsync && ::fsync(fd) == -1)
        fail("fsync", temp_);
    if (::close(fd) == -1) fail("close", temp_);
    if (::rename(temp_.c_str(), target_.c_str()) == -1) fail("rename", temp_);
    if (sequence_.sync_directory) {
        int const dir = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir == -1) fail("open", directory_);
        if (::fsync(dir) == -1) fail("fsync", directory_);
        if (::close(dir) == -1) fail("close", directory_);
    }
}

}  // namespace persist::bench
