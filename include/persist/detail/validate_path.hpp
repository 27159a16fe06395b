// Rejects malformed target paths before anything on disk is touched.
#ifndef PERSIST_DETAIL_VALIDATE_PATH_HPP
#define PERSIST_DETAIL_VALIDATE_PATH_HPP

#include <persist/error.hpp>

namespace persist::detail {

/// Fails with stage::validate when p cannot name a regular file:
/// - empty, or only whitespace: errc::invalid_input;
/// - a NUL byte inside (the OS would silently cut the path there):
///   errc::invalid_input;
/// - ending in '/', "." or "..": std::errc::is_a_directory.
PERSIST_DECL result<void> validate_file_path(std::filesystem::path const& p);

}  // namespace persist::detail

#if defined(PERSIST_HEADER_ONLY)
#include <persist/detail/impl/validate_path.ipp>
#endif

#endif
