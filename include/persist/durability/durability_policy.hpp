// The Durability policy: when data is forced to stable storage.
#ifndef PERSIST_DURABILITY_DURABILITY_POLICY_HPP
#define PERSIST_DURABILITY_DURABILITY_POLICY_HPP

#include <persist/fs/fs_policy.hpp>

#include <concepts>
#include <string_view>

namespace persist {

/// What a tier promises about a file after a power cut. Every tier promises
/// "old or new, whole" after a *process* crash; that comes from the rename.
enum class power_loss_promise {
    none,              ///< anything: old, new, empty or missing
    whole_if_present,  ///< if the name resolves, its content is whole (old or new)
    durable,           ///< once the call returned OK: new and whole
};

/// A type D models durability_policy<Fs> if:
///  1. D::sync_file(fs, h) is called on a fully written file before it is
///     given its final name (the temp file before the rename, the log after
///     an append). On success, the content (and, per the tier, the metadata)
///     of h has reached stable storage as far as D promises. On failure the
///     error is final: the caller must not retry it or report success.
///  2. D::sync_directory(fs, dir) is called after an entry of dir was added,
///     renamed or removed. On success the entry is durable as far as D
///     promises (a no-op for tiers that promise nothing about names).
///  3. D::promise states, truthfully, what survives a power cut; the crash
///     simulator checks it at every crash point.
///  4. D::name is a short stable name ("full_sync") for reports.
///  5. D is an empty, stateless type.
template <class D, class Fs>
concept durability_policy = fs_policy<Fs> && std::is_empty_v<D> &&
    requires(Fs& fs, typename Fs::handle h, std::filesystem::path const& dir) {
    { D::sync_file(fs, h) } -> std::same_as<io_result<void>>;
    { D::sync_directory(fs, dir) } -> std::same_as<io_result<void>>;
    { D::promise } -> std::convertible_to<power_loss_promise>;
    { D::name } -> std::convertible_to<std::string_view>;
};

}  // namespace persist

#endif
