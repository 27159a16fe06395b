// Out-of-line definitions for <persist/sweep.hpp>.
#ifndef PERSIST_IMPL_SWEEP_IPP
#define PERSIST_IMPL_SWEEP_IPP

#include <persist/fs/posix_fs.hpp>
#include <persist/sweep.hpp>

namespace persist {

PERSIST_DECL result<sweep_report> sweep_stale_temps(std::filesystem::path const& dir,
                                                    sweep_options options) {
    posix_fs fs;
    return sweep_stale_temps(fs, dir, options);
}

}  // namespace persist

#endif
