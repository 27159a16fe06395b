// The atomic_file a store writes with: the caller's, built once.
#ifndef PERSIST_STORE_DETAIL_PRIVATE_FILES_HPP
#define PERSIST_STORE_DETAIL_PRIVATE_FILES_HPP

#include <persist/atomic_file.hpp>

namespace persist::detail {

/// options, creating new files with mode 0600 unless they chose a mode:
/// settings often hold credentials, and states and logs private data.
inline atomic_file_options with_private_new_file_mode(atomic_file_options options) {
    if (!options.new_file_mode) options.new_file_mode = 0600;
    return options;
}

/// af, with with_private_new_file_mode's options.
template <atomic_file_type AtomicFile>
AtomicFile with_private_new_files(AtomicFile af) {
    if (af.options().new_file_mode) return af;
    return AtomicFile(af.fs(), with_private_new_file_mode(af.options()), af.naming());
}

}  // namespace persist::detail

#endif
