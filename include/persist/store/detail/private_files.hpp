// The atomic_file a store writes with: the caller's, built once.
#ifndef PERSIST_STORE_DETAIL_PRIVATE_FILES_HPP
#define PERSIST_STORE_DETAIL_PRIVATE_FILES_HPP

#include <persist/atomic_file.hpp>

namespace persist::detail {

/// af, creating new files with mode 0600 unless af's options chose a mode:
/// settings often hold credentials, and states and logs private data.
template <atomic_file_type AtomicFile>
AtomicFile with_private_new_files(AtomicFile af) {
    if (af.options().new_file_mode) return af;
    auto options = af.options();
    options.new_file_mode = 0600;
    return AtomicFile(af.fs(), options, af.naming());
}

}  // namespace persist::detail

#endif
