// temp_dir: the temporary file lives in a chosen directory, such as $TMPDIR.
#ifndef PERSIST_NAMING_TEMP_DIR_HPP
#define PERSIST_NAMING_TEMP_DIR_HPP

#include <persist/detail/unique_handle.hpp>
#include <persist/naming/detail/naming_steps.hpp>

#include <cstdlib>

namespace persist {

/// The temporary file is created in a chosen directory (by default $TMPDIR,
/// else /tmp), with O_EXCL|O_NOFOLLOW and an unpredictable name, so a shared
/// world-writable directory cannot redirect the write through a planted
/// symlink. If the rename fails with EXDEV (the directory is on another
/// device), the content is copied into a sibling temp next to the target,
/// synced under the same durability tier, and renamed: the replace stays
/// atomic, and the target is never written in place.
///
/// Not guaranteed: the cross-device path writes the data twice; a crash can
/// leave a temp in either directory (sweep_stale_temps removes them).
///
/// Thread safety: immutable after construction.
class temp_dir {
public:
    static constexpr std::string_view name = "temp_dir";

    /// $TMPDIR if it is set and not empty, else /tmp.
    temp_dir() : directory_(default_directory()) {}
    explicit temp_dir(std::filesystem::path directory) : directory_(std::move(directory)) {}

    std::filesystem::path const& directory() const noexcept { return directory_; }
    std::filesystem::path temp_directory(std::filesystem::path const&) const { return directory_; }

    template <class Fs>
    naming_result<temp_file<Fs>> create(Fs& fs, std::filesystem::path const& target) const {
        return detail::create_named_temp(fs, directory_.native(), target);
    }

    template <class Fs>
    naming_result<void> publish(Fs&, temp_file<Fs>&, std::filesystem::path const&) const {
        return {};
    }

    template <class Durability, class Fs>
    naming_result<void> commit(Fs& fs, temp_file<Fs>& t,
                               std::filesystem::path const& target) const {
        auto renamed = detail::rename_temp(fs, t, target);
        if (renamed || renamed.error().cause != std::errc::cross_device_link) return renamed;
        return copy_beside_target<Durability>(fs, t, target);
    }

private:
    static std::filesystem::path default_directory() {
        char const* tmpdir = std::getenv("TMPDIR");
        return (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
    }

    // Copies t into a new sibling temp of target, syncs it under Durability,
    // renames it onto target, then removes t.
    template <class Durability, class Fs>
    static naming_result<void> copy_beside_target(Fs& fs, temp_file<Fs>& t,
                                                  std::filesystem::path const& target) {
        auto opened = fs.open_read(t.path);
        if (!opened) return naming_failure{stage::rename, opened.error(), t.path};
        detail::unique_handle<Fs> source(fs, *opened);

        auto created = detail::create_named_temp(fs, detail::directory_text_of(target), target);
        if (!created) return created.error();
        temp_file<Fs> copy = std::move(*created);
        detail::unique_handle<Fs> sink(fs, copy.handle);
        auto copied = detail::copy_into<Durability>(fs, source.get(), sink, copy.path);
        if (copied) copied = detail::rename_temp(fs, copy, target);
        if (!copied) {
            sink.reset();
            (void)fs.unlink(copy.path);
            return copied;
        }
        // The replace is complete; a temp left in the temp directory is litter, not a failure.
        (void)fs.unlink(t.path);
        t.path.clear();
        return {};
    }

    std::filesystem::path directory_;
};

}  // namespace persist

#endif
