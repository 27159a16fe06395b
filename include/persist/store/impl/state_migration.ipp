// Out-of-line definitions for <persist/store/state_migration.hpp>.
#ifndef PERSIST_STORE_IMPL_STATE_MIGRATION_IPP
#define PERSIST_STORE_IMPL_STATE_MIGRATION_IPP

#include <persist/store/state_migration.hpp>

#include <algorithm>
#include <string>

namespace persist {

PERSIST_DECL result<boost::json::value> migrate_state(boost::json::value state, std::uint64_t from,
                                                      std::uint64_t to,
                                                      std::span<migration const> chain) {
    for (auto version = from; version < to; ++version) {
        auto const between =
            "from version " + std::to_string(version) + " to " + std::to_string(version + 1);
        auto const step = std::find_if(chain.begin(), chain.end(), [&](migration const& m) {
            return m.from_version == version;
        });
        if (step == chain.end())
            return error(stage::parse, errc::no_migration, {}, {}, "no migration " + between);
        auto upgraded = step->upgrade(std::move(state));
        if (!upgraded) {
            auto const& why = upgraded.error();
            return error(stage::parse, why.code(), {}, {},
                         "migration " + between + " failed" +
                             (why.detail().empty() ? "" : ": " + why.detail()));
        }
        state = std::move(*upgraded);
    }
    return state;
}

}  // namespace persist

#endif
