// Out-of-line definitions for <persist/default_file.hpp>.
#ifndef PERSIST_IMPL_DEFAULT_FILE_IPP
#define PERSIST_IMPL_DEFAULT_FILE_IPP

#include <persist/default_file.hpp>

namespace persist {

PERSIST_DECL result<void> write_file(std::filesystem::path const& path, std::string_view bytes,
                                     atomic_file_options const& options) {
    return default_atomic_file(posix_fs{}, options).replace(path, bytes);
}

PERSIST_DECL result<std::string> read_file(std::filesystem::path const& path) {
    return default_atomic_file().read(path);
}

}  // namespace persist

#endif
