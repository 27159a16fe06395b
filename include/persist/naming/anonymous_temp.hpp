// anonymous_temp: an O_TMPFILE inode that gets a name only when complete.
#ifndef PERSIST_NAMING_ANONYMOUS_TEMP_HPP
#define PERSIST_NAMING_ANONYMOUS_TEMP_HPP

#include <persist/naming/detail/naming_steps.hpp>

namespace persist {

/// The temporary file is created with O_TMPFILE in the target's directory:
/// until it is complete it has no name, so a crash while writing leaves
/// nothing visible behind. Once written and synced it is linked to a sibling
/// name (linkat) and renamed onto the target.
///
/// Where O_TMPFILE is unsupported (EOPNOTSUPP, or EISDIR / EINVAL from older
/// kernels and some filesystems), it falls back to sibling_temp.
///
/// Not guaranteed: a crash between the link and the rename leaves a visible
/// sibling temp (sweep_stale_temps removes it).
///
/// Thread safety: stateless.
struct anonymous_temp {
    static constexpr std::string_view name = "anonymous_temp";

    /// Where its named fallback goes; an O_TMPFILE temp leaves nothing.
    std::filesystem::path temp_directory(std::filesystem::path const& target) const {
        return detail::directory_of(target);
    }

    template <class Fs>
    naming_result<temp_file<Fs>> create(Fs& fs, std::filesystem::path const& target) const {
        auto const dir = detail::directory_of(target);
        auto created = fs.create_anonymous(dir, 0600);
        if (created) return temp_file<Fs>{*created, {}};
        auto const cause = created.error();
        if (cause == std::errc::operation_not_supported || cause == std::errc::is_a_directory ||
            cause == std::errc::invalid_argument) {
            return detail::create_named_temp(fs, dir.native(), target);
        }
        return naming_failure{stage::create_temp, cause, dir};
    }

    template <class Fs>
    naming_result<void> publish(Fs& fs, temp_file<Fs>& t,
                                std::filesystem::path const& target) const {
        if (!t.path.empty()) return {};  // the sibling_temp fallback is named already
        return detail::link_anonymous_temp(fs, t, detail::directory_text_of(target), target);
    }

    template <class Durability, class Fs>
    naming_result<void> commit(Fs& fs, temp_file<Fs>& t,
                               std::filesystem::path const& target) const {
        return detail::rename_temp(fs, t, target);
    }
};

}  // namespace persist

#endif
