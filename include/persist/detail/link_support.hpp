// Whether a filesystem can give a file another name with link(2).
#ifndef PERSIST_DETAIL_LINK_SUPPORT_HPP
#define PERSIST_DETAIL_LINK_SUPPORT_HPP

#include <system_error>

namespace persist::detail {

/// Whether link(2) failed because the filesystem or the file cannot have
/// another link, rather than because of an I/O or permission problem: FAT
/// and many FUSE filesystems answer EPERM, others EOPNOTSUPP or ENOSYS; a
/// file at its link limit answers EMLINK. Callers then copy (keep_backup)
/// or rename (a quarantine) instead.
inline bool link_is_unsupported(std::error_code const& code) noexcept {
    return code == std::errc::operation_not_permitted ||
           code == std::errc::operation_not_supported || code == std::errc::not_supported ||
           code == std::errc::function_not_supported || code == std::errc::too_many_links;
}

}  // namespace persist::detail

#endif
