// no_sync: never force anything to disk.
#ifndef PERSIST_DURABILITY_NO_SYNC_HPP
#define PERSIST_DURABILITY_NO_SYNC_HPP

#include <persist/durability/durability_policy.hpp>

namespace persist {

/// No fsync at all. A process crash still leaves the old or the new content,
/// whole, because the rename is atomic. After a power cut anything is
/// possible: old, new, an empty file (ext4 without auto_da_alloc, XFS), or no
/// file. Use it for caches and for data that is rebuilt anyway.
struct no_sync {
    static constexpr std::string_view name = "no_sync";
    static constexpr power_loss_promise promise = power_loss_promise::none;

    template <class Fs>
    static io_result<void> sync_file(Fs&, typename Fs::handle) {
        return {};
    }
    template <class Fs>
    static io_result<void> sync_directory(Fs&, std::filesystem::path const&) {
        return {};
    }
};

}  // namespace persist

#endif
