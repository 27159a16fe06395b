// full_sync: fsync the temporary file, rename, fsync the directory.
#ifndef PERSIST_DURABILITY_FULL_SYNC_HPP
#define PERSIST_DURABILITY_FULL_SYNC_HPP

#include <persist/durability/durability_policy.hpp>

namespace persist {

/// fsync(temp), rename, fsync(directory). Once replace() has returned OK the
/// new content survives a power cut, whole; before that, the old or the new.
/// A new parent directory is synced into its own parent too. On macOS the
/// file sync is F_FULLFSYNC. This is the default of every store.
///
/// Not guaranteed: a drive that lies about flushing its cache, and
/// filesystems mounted with nobarrier, can still lose acknowledged data.
struct full_sync {
    static constexpr std::string_view name = "full_sync";
    static constexpr power_loss_promise promise = power_loss_promise::durable;

    template <class Fs>
    static io_result<void> sync_file(Fs& fs, typename Fs::handle h) {
        return fs.sync_full(h);
    }
    template <class Fs>
    static io_result<void> sync_directory(Fs& fs, std::filesystem::path const& dir) {
        return fs.sync_directory(dir);
    }
};

}  // namespace persist

#endif
