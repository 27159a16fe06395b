// The front door: replace and read one file with the default policies, no
// template arguments. README, "Library overview".
#ifndef PERSIST_DEFAULT_FILE_HPP
#define PERSIST_DEFAULT_FILE_HPP

#include <persist/atomic_file.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/fs/posix_fs.hpp>
#include <persist/naming/sibling_temp.hpp>

#include <concepts>
#include <filesystem>
#include <string>
#include <string_view>

namespace persist {

/// The atomic_file every default store is built on: the real filesystem,
/// full_sync (durable once a call returns OK) and a temp beside the target.
using default_atomic_file = atomic_file<posix_fs, full_sync, sibling_temp>;

/// Replaces the file at path with bytes, all or nothing, durably:
/// default_atomic_file(posix_fs{}, options).replace(path, bytes). Errors and
/// the state they leave: as atomic_file::replace.
[[nodiscard]] PERSIST_DECL result<void> write_file(std::filesystem::path const& path,
                                                   std::string_view bytes,
                                                   atomic_file_options const& options = {});

/// Like write_file, with the content streamed by writer(sink&): as
/// atomic_file::replace_with.
template <class Writer>
    requires std::invocable<Writer&, sink&>
[[nodiscard]] result<void> write_file_with(std::filesystem::path const& path, Writer&& writer,
                                           atomic_file_options const& options = {}) {
    return default_atomic_file(posix_fs{}, options)
        .replace_with(path, std::forward<Writer>(writer));
}

/// The whole content of the file at path, through a symbolic link there:
/// as atomic_file::read. Errors: stage::validate, stage::read.
[[nodiscard]] PERSIST_DECL result<std::string> read_file(std::filesystem::path const& path);

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/impl/default_file.ipp>
#endif

#endif
