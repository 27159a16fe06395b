// planting_fs: an attacker who predicts every temp name.
#ifndef PERSIST_TEST_SUPPORT_PLANTING_FS_HPP
#define PERSIST_TEST_SUPPORT_PLANTING_FS_HPP

#include <persist/fs/fs_decorator.hpp>
#include <persist/fs/posix_fs.hpp>

namespace persist::test {

/// Before each of the first `plants` exclusive creates, plants a symlink at
/// that very name, pointing at a victim file it wants written: the worst
/// case of a shared directory, an attacker who predicts the random name.
class planting_fs : public fs_decorator<planting_fs, posix_fs> {
public:
    planting_fs(std::filesystem::path victim, int plants)
        : victim_(std::move(victim)), plants_(plants) {}

    io_result<handle> create_exclusive(std::filesystem::path const& p, mode_t mode) {
        if (planted_ < plants_) {
            ++planted_;
            std::filesystem::create_symlink(victim_, p);
        }
        return inner_.create_exclusive(p, mode);
    }
    int planted() const { return planted_; }

private:
    std::filesystem::path victim_;
    int plants_;
    int planted_ = 0;
};

}  // namespace persist::test

#endif
