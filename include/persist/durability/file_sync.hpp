// file_sync: fsync the temporary file before the rename.
#ifndef PERSIST_DURABILITY_FILE_SYNC_HPP
#define PERSIST_DURABILITY_FILE_SYNC_HPP

#include <persist/durability/durability_policy.hpp>

namespace persist {

/// fsync(temp) before the rename: like data_sync, and the file's metadata
/// (mode, owner) is durable with its content. The directory entry is not
/// synced, so a returned replace can still roll back after a power cut.
struct file_sync {
    static constexpr std::string_view name = "file_sync";
    static constexpr power_loss_promise promise = power_loss_promise::whole_if_present;

    template <class Fs>
    static io_result<void> sync_file(Fs& fs, typename Fs::handle h) {
        return fs.sync_full(h);
    }
    template <class Fs>
    static io_result<void> sync_directory(Fs&, std::filesystem::path const&) {
        return {};
    }
};

}  // namespace persist

#endif
