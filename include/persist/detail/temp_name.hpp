// Names for temporary files: `.<name>.tmp-<pid>-<counter>-<random>`.
#ifndef PERSIST_DETAIL_TEMP_NAME_HPP
#define PERSIST_DETAIL_TEMP_NAME_HPP

#include <persist/config.hpp>

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace persist::detail {

/// The marker that every temporary name persist creates carries.
inline constexpr std::string_view temp_marker = ".tmp-";

/// A fresh temporary file name for `target_name` (a file name, no directory).
/// Unique within the process (a counter) and across processes (the pid), and
/// unpredictable to other users (64 random bits from getrandom(2), see
/// random_bits), so that nobody can plant a symlink at it in advance. Long
/// names are shortened to keep the result within NAME_MAX.
///
/// The pid is read once per process: a pthread_atfork child handler makes a
/// fork() child read its own. A child made without the fork handlers
/// (_Fork(), a raw clone(2)) that creates temp names before exec would name
/// them with its parent's pid.
PERSIST_DECL std::string make_temp_name(std::string_view target_name);

/// The pid embedded in a name that make_temp_name produced, or nothing if
/// name does not have exactly that shape (`.<name>.tmp-<pid>-<n>-<16 hex>`).
PERSIST_DECL std::optional<pid_t> temp_name_owner(std::string_view name) noexcept;

/// 64 unpredictable bits from the OS CSPRNG: each thread buffers the output
/// of one getrandom(2) call for 32 calls of this, hands each word out once,
/// and a fork() child drops the buffer it inherited (pthread_atfork), so
/// parent and child never use the same bits.
PERSIST_DECL std::uint64_t random_bits();

}  // namespace persist::detail

#if defined(PERSIST_HEADER_ONLY)
#include <persist/detail/impl/temp_name.ipp>
#endif

#endif
