// data_sync: fdatasync the temporary file before the rename.
#ifndef PERSIST_DURABILITY_DATA_SYNC_HPP
#define PERSIST_DURABILITY_DATA_SYNC_HPP

#include <persist/durability/durability_policy.hpp>

namespace persist {

/// fdatasync(temp) before the rename. After a power cut, if the name resolves
/// then its content is whole, old or new; but the rename itself may be lost,
/// so a returned replace can roll back to the old content. The mode and owner
/// are not forced to disk and may roll back on their own.
struct data_sync {
    static constexpr std::string_view name = "data_sync";
    static constexpr power_loss_promise promise = power_loss_promise::whole_if_present;

    template <class Fs>
    static io_result<void> sync_file(Fs& fs, typename Fs::handle h) {
        return fs.sync_data(h);
    }
    template <class Fs>
    static io_result<void> sync_directory(Fs&, std::filesystem::path const&) {
        return {};
    }
};

}  // namespace persist

#endif
