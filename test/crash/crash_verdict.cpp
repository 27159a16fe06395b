// judge_replace, the crash checker's verdict that persist-bench prints as
// its guarantee column: each tier comes out as the table in README,
// "Durability guarantees" says, and a tier weakened on purpose comes out
// "no" where it cheats.
#include "support/replace_crash.hpp"

#include <persist/durability/data_sync.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>

#include <boost/mp11/list.hpp>
#include <boost/test/unit_test.hpp>

#include <tuple>

namespace persist::test {
namespace {

/// Claims full_sync's promise but never syncs (no_sync's calls): what a
/// weakened full_sync would look like.
struct unsynced_full_sync : no_sync {
    static constexpr std::string_view name = "unsynced_full_sync";
    static constexpr power_loss_promise promise = power_loss_promise::durable;
};

/// Syncs the content but never the directory: loses the rename.
struct no_directory_sync : full_sync {
    static constexpr std::string_view name = "no_directory_sync";
    template <class Fs>
    static io_result<void> sync_directory(Fs& fs, std::filesystem::path const& dir) {
        return no_sync::sync_directory(fs, dir);  // hides full_sync's
    }
};

/// Replaces the target in place, without a temp file or a rename.
bool replace_in_place(memory_fs& fs, std::filesystem::path const& target,
                      std::string const& content) {
    if (!fs.unlink(target)) return false;
    auto h = fs.create_exclusive(target, 0644);
    if (!h) return false;
    bool ok = fs.write(*h, std::as_bytes(std::span(content.data(), content.size()))).has_value();
    ok = fs.sync_full(*h).has_value() && ok;
    return fs.close(*h).has_value() && ok;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_verdicts)

using tiers = std::tuple<no_sync, data_sync, file_sync, full_sync>;

BOOST_AUTO_TEST_CASE_TEMPLATE(each_tier_comes_out_as_it_promises, Durability, tiers) {
    auto const v = judge_replace(replace_with_policies<Durability, sibling_temp>());
    BOOST_TEST_MESSAGE(Durability::name << ": " << v.crash_points << " crash points, " << v.images
                                        << " images");
    BOOST_TEST(v.crash_points > 0u);
    BOOST_TEST(v.process_crash);
    BOOST_TEST(v.power_loss_atomic == (Durability::promise != power_loss_promise::none));
    BOOST_TEST(v.power_loss_durable == (Durability::promise == power_loss_promise::durable));
}

BOOST_AUTO_TEST_CASE(a_full_sync_that_skips_its_syncs_is_neither_atomic_nor_durable) {
    auto const v = judge_replace(replace_with_policies<unsynced_full_sync, sibling_temp>());
    BOOST_TEST(v.process_crash);
    BOOST_TEST(!v.power_loss_atomic);
    BOOST_TEST(!v.power_loss_durable);
}

BOOST_AUTO_TEST_CASE(a_full_sync_that_skips_the_directory_sync_is_not_durable) {
    auto const v = judge_replace(replace_with_policies<no_directory_sync, sibling_temp>());
    BOOST_TEST(v.process_crash);
    BOOST_TEST(v.power_loss_atomic);
    BOOST_TEST(!v.power_loss_durable);
}

BOOST_AUTO_TEST_CASE(a_replace_in_place_survives_nothing) {
    auto const v = judge_replace(replace_in_place);
    BOOST_TEST(!v.process_crash);
    BOOST_TEST(!v.power_loss_atomic);
    BOOST_TEST(!v.power_loss_durable);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
