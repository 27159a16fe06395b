// sibling_temp: the temporary file lives next to the target.
#ifndef PERSIST_NAMING_SIBLING_TEMP_HPP
#define PERSIST_NAMING_SIBLING_TEMP_HPP

#include <persist/naming/detail/naming_steps.hpp>

namespace persist {

/// The temporary file is `.<name>.tmp-<pid>-<counter>-<random>` in the
/// target's directory, created with O_EXCL|O_NOFOLLOW|O_CLOEXEC and mode 0600,
/// then renamed onto the target. The rename never crosses a device.
///
/// Not guaranteed: a kill -9 or a power cut between create and rename leaves
/// the temp behind (sweep_stale_temps removes it); the directory must be
/// writable.
///
/// Thread safety: stateless.
struct sibling_temp {
    static constexpr std::string_view name = "sibling_temp";

    std::filesystem::path temp_directory(std::filesystem::path const& target) const {
        return detail::directory_of(target);
    }

    template <class Fs>
    naming_result<temp_file<Fs>> create(Fs& fs, std::filesystem::path const& target) const {
        return detail::create_named_temp(fs, detail::directory_text_of(target), target);
    }

    template <class Fs>
    naming_result<void> publish(Fs&, temp_file<Fs>&, std::filesystem::path const&) const {
        return {};
    }

    template <class Durability, class Fs>
    naming_result<void> commit(Fs& fs, temp_file<Fs>& t,
                               std::filesystem::path const& target) const {
        return detail::rename_temp(fs, t, target);
    }
};

}  // namespace persist

#endif
