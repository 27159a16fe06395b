// Schema upgrades of a state: the chain of steps from a file's version to
// the program's, as one pure function over JSON values.
#ifndef PERSIST_STORE_STATE_MIGRATION_HPP
#define PERSIST_STORE_STATE_MIGRATION_HPP

#include <persist/config.hpp>
#include <persist/error.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <span>

namespace persist {

/// One step of a schema upgrade: the `"state"` of a file at from_version,
/// returned as it must read at from_version + 1. A step reports an error to
/// refuse (load() then fails with it, and no file is touched); an exception
/// it throws propagates out of load(), with no file touched either.
struct migration {
    std::uint64_t from_version = 0;
    std::function<result<boost::json::value>(boost::json::value)> upgrade;
};

/// Upgrades state from version `from` to version `to` (from <= to) by
/// running, for each version v in [from, to), the step whose from_version
/// is v; `chain` may list the steps in any order. from == to returns state
/// unchanged.
/// Errors (stage::parse, no path; the caller names the file):
/// - errc::no_migration, detail "no migration from version 1 to 2": no
///   step starts at some version of the way;
/// - a step's own code, detail "migration from version 2 to 3 failed: " and
///   the step's detail.
PERSIST_DECL result<boost::json::value> migrate_state(boost::json::value state, std::uint64_t from,
                                                      std::uint64_t to,
                                                      std::span<migration const> chain);

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/store/impl/state_migration.ipp>
#endif

#endif
