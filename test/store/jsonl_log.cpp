// jsonl_log: the contract over the store matrix, one write and one sync
// per append, and what failures leave behind. Group commit across threads
// and appends from several processes are in test/concurrency/jsonl_log.cpp.
#include <persist/store/jsonl_log.hpp>

#include "support/fail_nth_fs.hpp"
#include "support/fs_inspect.hpp"
#include "support/policy_matrix.hpp"
#include "support/stale_temps.hpp"
#include "support/temp_directory.hpp"

#include <persist/durability/data_sync.hpp>
#include <persist/durability/file_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/testing/counting_fs.hpp>

#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <limits>
#include <map>

namespace persist::test {
namespace {

using namespace std::string_literals;
namespace json = boost::json;

template <class Durability, class Fs = posix_fs>
using log_on = basic_jsonl_log<atomic_file<Fs, Durability, sibling_temp>>;

std::string lines_of(std::initializer_list<char const*> lines) {
    std::string text;
    for (auto const* line : lines)
        text += std::string(line) + "\n";
    return text;
}

struct event {
    std::string kind;
    int id = 0;
};
BOOST_DESCRIBE_STRUCT(event, (), (kind, id))

}  // namespace

BOOST_AUTO_TEST_SUITE(jsonl_log_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(appends_reads_compacts_rewrites_and_rotates, Combo, store_matrix) {
    matrix_fixture<Combo> f;
    using log_type = basic_jsonl_log<typename Combo::atomic_file_type>;
    auto const path = f.env.root() / "events.jsonl";
    auto log = log_type::open(path, {}, f.make()).value();
    BOOST_TEST(log.recovery().created);
    BOOST_TEST(log.recovery().clean());
    BOOST_TEST(mode_of(f.env.fs, path) == 0600u);

    BOOST_TEST_REQUIRE(log.append(json::parse(R"({"id":1,"keep":true})")).has_value());
    json::value const batch[] = {json::parse(R"({"id":2,"keep":false})"),
                                 json::parse(R"({"id":3,"keep":true})")};
    BOOST_TEST_REQUIRE(log.append_batch(batch).has_value());
    std::string const three = lines_of(
        {R"({"id":1,"keep":true})", R"({"id":2,"keep":false})", R"({"id":3,"keep":true})"});
    BOOST_TEST(content_of(f.env.fs, path) == three);

    // A batch with one bad value writes nothing.
    json::value const bad[] = {json::value(4),
                               json::value(std::numeric_limits<double>::infinity())};
    auto refused = log.append_batch(bad);
    BOOST_TEST_REQUIRE(!refused);
    BOOST_TEST((refused.error().stage() == stage::validate));
    BOOST_TEST(refused.error().detail().starts_with("record 2 of the batch: "));
    BOOST_TEST(content_of(f.env.fs, path) == three);

    // Another opener sees the same records, and nothing to repair.
    auto reopened = log_type::open(path, {}, f.make()).value();
    BOOST_TEST(!reopened.recovery().created);
    BOOST_TEST(reopened.recovery().clean());
    BOOST_TEST(reopened.recovery().records == 3u);
    BOOST_TEST(reopened.read_all().value().size() == 3u);

    auto compacted =
        log.compact([](json::value const& v) { return v.at("keep").as_bool(); }).value();
    BOOST_TEST(compacted.kept == 2u);
    BOOST_TEST(compacted.removed == 1u);
    BOOST_TEST(content_of(f.env.fs, path) ==
               lines_of({R"({"id":1,"keep":true})", R"({"id":3,"keep":true})"}));
    // The other object follows the replaced file.
    BOOST_TEST_REQUIRE(reopened.append(json::parse(R"({"id":4})")).has_value());
    BOOST_TEST(reopened.read_all().value().size() == 3u);

    json::value const fresh[] = {json::parse(R"({"id":10})")};
    BOOST_TEST_REQUIRE(log.rewrite(fresh).has_value());
    BOOST_TEST(content_of(f.env.fs, path) == lines_of({R"({"id":10})"}));
    BOOST_TEST(mode_of(f.env.fs, path) == 0600u);

    auto rotated = log.rotate().value();
    BOOST_TEST(rotated == f.env.root() / "events.jsonl.1");
    BOOST_TEST(content_of(f.env.fs, rotated) == lines_of({R"({"id":10})"}));
    BOOST_TEST(content_of(f.env.fs, path) == "");
    BOOST_TEST_REQUIRE(reopened.append(json::parse(R"({"id":11})")).has_value());
    BOOST_TEST(content_of(f.env.fs, path) == lines_of({R"({"id":11})"}));
    BOOST_TEST(log.rotate().value() == f.env.root() / "events.jsonl.2");

    BOOST_TEST(
        entries_of(f.env.fs, f.env.root()) ==
        (std::vector{"events.jsonl"s, "events.jsonl.1"s, "events.jsonl.2"s, "events.jsonl.lock"s}));
    BOOST_TEST(temp_files_in(f.env.fs, f.env.temp_root()).empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(rewrite_mode_appends_through_atomic_file, Combo, store_matrix) {
    matrix_fixture<Combo> f;
    using log_type = basic_jsonl_log<typename Combo::atomic_file_type>;
    auto const path = f.env.root() / "naive.jsonl";
    jsonl_log_options options;
    options.mode = append_mode::rewrite;
    auto log = log_type::open(path, options, f.make()).value();
    for (int i = 0; i < 3; ++i)
        BOOST_TEST_REQUIRE(log.append(json::object{{"i", i}}).has_value());
    BOOST_TEST(content_of(f.env.fs, path) == lines_of({R"({"i":0})", R"({"i":1})", R"({"i":2})"}));
    BOOST_TEST(mode_of(f.env.fs, path) == 0600u);
    BOOST_TEST(temp_files_in(f.env.fs, f.env.root()).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jsonl_log_io)

BOOST_AUTO_TEST_CASE_TEMPLATE(one_write_and_one_sync_per_batch, Durability, durability_tiers) {
    temp_directory dir;
    counting_fs<> fs;
    auto const path = dir / "log.jsonl";
    auto log = log_on<Durability, counting_fs<>>::open(
                   path, {}, atomic_file<counting_fs<>, Durability, sibling_temp>(fs))
                   .value();
    // Creating the log made its name durable under full_sync.
    BOOST_TEST(fs.count(fs_op::sync_directory) ==
               (std::is_same_v<Durability, full_sync> ? 1u : 0u));
    fs.reset();
    json::value const batch[] = {json::value(1), json::value("two"), json::parse("[3]")};
    BOOST_TEST_REQUIRE(log.append_batch(batch).has_value());
    BOOST_TEST(fs.count(fs_op::write) == 1u);
    BOOST_TEST(fs.count(fs_op::lock) == 1u);
    std::size_t const data_syncs = std::is_same_v<Durability, data_sync> ? 1 : 0;
    std::size_t const full_syncs =
        std::is_same_v<Durability, file_sync> || std::is_same_v<Durability, full_sync> ? 1 : 0;
    BOOST_TEST(fs.count(fs_op::sync_data) == data_syncs);
    BOOST_TEST(fs.count(fs_op::sync_full) == full_syncs);
    BOOST_TEST(fs.count(fs_op::sync_directory) == 0u);
    BOOST_TEST(fs.count(fs_op::rename) == 0u);
    BOOST_TEST(content_of(posix_fs{}, path) == "1\n\"two\"\n[3]\n");
    // The lock is held around the write, and released after it.
    auto const calls = fs.calls();
    auto const at = [&](fs_op op) {
        return std::find(calls.begin(), calls.end(), op) - calls.begin();
    };
    BOOST_TEST(at(fs_op::lock) < at(fs_op::write));
    BOOST_TEST(at(fs_op::write) < at(fs_op::close));
}

BOOST_AUTO_TEST_CASE(rewrite_mode_rewrites_the_whole_file_per_append) {
    temp_directory dir;
    counting_fs<> fs;
    jsonl_log_options options;
    options.mode = append_mode::rewrite;
    auto log =
        log_on<full_sync, counting_fs<>>::open(
            dir / "log.jsonl", options, atomic_file<counting_fs<>, full_sync, sibling_temp>(fs))
            .value();
    fs.reset();
    for (int i = 0; i < 4; ++i)
        BOOST_TEST_REQUIRE(log.append(json::value(i)).has_value());
    BOOST_TEST(fs.count(fs_op::rename) == 4u);
    BOOST_TEST(fs.count(fs_op::open_append) == 0u);
    BOOST_TEST(log.read_all().value().size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jsonl_log_failures)

BOOST_AUTO_TEST_CASE(a_failed_write_is_taken_back) {
    temp_directory dir;
    auto const path = dir / "log.jsonl";
    fail_nth_fs<> fs;
    auto log = log_on<full_sync, fail_nth_fs<>>::open(
                   path, {}, atomic_file<fail_nth_fs<>, full_sync, sibling_temp>(fs))
                   .value();
    BOOST_TEST_REQUIRE(log.append(json::value("first")).has_value());
    fs.arm(fs_op::write, ENOSPC, 1, false, /*write_half_first=*/true);
    auto failed = log.append(json::object{{"second", std::string(100, 'x')}});
    BOOST_TEST_REQUIRE(!failed);
    BOOST_TEST((failed.error().stage() == stage::append));
    BOOST_TEST(failed.error().code() == errno_code(ENOSPC));
    BOOST_TEST(content_of(posix_fs{}, path) == "\"first\"\n");  // the half-written line is gone
    BOOST_TEST_REQUIRE(log.append(json::value("third")).has_value());
    BOOST_TEST(content_of(posix_fs{}, path) == "\"first\"\n\"third\"\n");
}

BOOST_AUTO_TEST_CASE(a_failed_sync_is_final_for_this_object) {
    temp_directory dir;
    auto const path = dir / "log.jsonl";
    fail_nth_fs<> fs;
    using af_type = atomic_file<fail_nth_fs<>, data_sync, sibling_temp>;
    auto log = log_on<data_sync, fail_nth_fs<>>::open(path, {}, af_type(fs)).value();
    fs.arm(fs_op::sync_data, EIO);
    auto failed = log.append(json::value(1));
    BOOST_TEST_REQUIRE(!failed);
    BOOST_TEST((failed.error().stage() == stage::append));
    BOOST_TEST(failed.error().code() == errno_code(EIO));
    BOOST_TEST(failed.error().detail().find("durability is unknown") != std::string::npos);
    fs.disarm();
    // fsyncgate: a later sync could report success over lost pages; refuse.
    auto refused = log.append(json::value(2));
    BOOST_TEST_REQUIRE(!refused);
    BOOST_TEST(refused.error().code() == errno_code(EIO));
    BOOST_TEST(content_of(posix_fs{}, path) == "1\n");
    // A fresh object starts over.
    auto reopened = log_on<data_sync, fail_nth_fs<>>::open(path, {}, af_type(fs)).value();
    BOOST_TEST_REQUIRE(reopened.append(json::value(3)).has_value());
    BOOST_TEST(content_of(posix_fs{}, path) == "1\n3\n");
}

BOOST_AUTO_TEST_CASE(open_reports_what_recovery_did) {
    temp_directory dir;
    auto const path = dir / "log.jsonl";
    {
        std::ofstream out(path, std::ios::binary);
        out << "{\"a\":1}\n{\"a\":2}\n{oops}\n{\"a\":4}\n{\"a\":5,\"b\":[1,2";
    }
    jsonl_log_options strict;
    strict.corruption = jsonl_corruption::fail;
    auto refused = log_on<full_sync>::open(path, strict);
    BOOST_TEST_REQUIRE(!refused);
    BOOST_TEST(refused.error().detail().starts_with("line 3, byte offset 16: "));

    auto log = log_on<full_sync>::open(path).value();
    auto const& report = log.recovery();
    BOOST_TEST(report.torn_offset == 31u);
    BOOST_TEST(report.torn_bytes == 15u);
    BOOST_TEST(report.quarantine_path.filename().string().starts_with("log.jsonl.torn-"));
    BOOST_TEST(report.corrupt_line_count == 1u);
    BOOST_TEST(report.records == 3u);

    auto all = log.read_all();
    BOOST_TEST_REQUIRE(!all);
    BOOST_TEST(all.error().detail().starts_with("line 3, byte offset 16: "));
    auto compacted = log.compact([](json::value const&) { return true; });
    BOOST_TEST_REQUIRE(!compacted);
    BOOST_TEST((compacted.error().stage() == stage::parse));
    BOOST_TEST(content_of(posix_fs{}, path) == "{\"a\":1}\n{\"a\":2}\n{oops}\n{\"a\":4}\n");

    jsonl_read_options lenient;
    lenient.mode = jsonl_read_mode::lenient;
    auto reader = log.read(lenient).value();
    std::vector<int> ids;
    while (auto record = reader.next_as<std::map<std::string, int>>().value())
        ids.push_back(record->value.at("a"));
    BOOST_TEST(ids == (std::vector{1, 2, 4}));
    BOOST_TEST(reader.bad_line_count() == 1u);
}

BOOST_AUTO_TEST_CASE(open_checks_the_tail_and_a_full_open_every_line) {
    temp_directory dir;
    auto const path = dir / "log.jsonl";
    std::string lines = "{\"a\":1}\n{oops}\n";
    while (lines.size() < 10'000'000)
        lines += "{\"kind\":\"filler\",\"id\":12345}\n";
    {
        std::ofstream out(path, std::ios::binary);
        out << lines << "{\"a\":2,\"torn";
    }
    BOOST_TEST((jsonl_log_options{}.check == jsonl_open_check::tail));
    counting_fs<> fs;
    using counted_log = log_on<no_sync, counting_fs<>>;
    atomic_file<counting_fs<>, no_sync, sibling_temp> af(fs);
    {
        auto log = counted_log::open(path, {}, af).value();
        // The torn tail is handled; the corrupt second line is not seen.
        BOOST_TEST(log.recovery().torn_bytes == 12u);
        BOOST_TEST(log.recovery().corrupt_line_count == 0u);
        BOOST_TEST(log.recovery().checked_offset > 0u);
        // Reading O(tail) bytes: the last block, the byte before, its lines.
        BOOST_TEST(fs.bytes_read() <= 2 * jsonl_tail_block + 1);
        BOOST_TEST(fs.count(fs_op::read) == 0u);
        // Readers still find it, with its number.
        auto all = log.read_all();
        BOOST_TEST_REQUIRE(!all);
        BOOST_TEST(all.error().detail().starts_with("line 2, byte offset 8: "));
    }
    jsonl_log_options full;
    full.check = jsonl_open_check::full;
    fs.reset();
    auto log = counted_log::open(path, full, af).value();
    BOOST_TEST(fs.bytes_read() == lines.size());
    BOOST_TEST(log.recovery().checked_offset == 0u);
    BOOST_TEST_REQUIRE(log.recovery().corrupt_line_count == 1u);
    BOOST_TEST(log.recovery().corrupt_lines[0].detail.starts_with("line 2, byte offset 8: "));
    full.corruption = jsonl_corruption::fail;
    auto refused = counted_log::open(path, full, af);
    BOOST_TEST_REQUIRE(!refused);
    BOOST_TEST(refused.error().detail().starts_with("line 2, byte offset 8: "));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jsonl_log_reading)

BOOST_AUTO_TEST_CASE(compaction_keeps_records_byte_for_byte) {
    temp_directory dir;
    auto const path = dir / "log.jsonl";
    std::string const original = "{\"z\":1.0,\"a\":[1e2]}\n{\"drop\":true}\n{ \"spaced\" : 1 }\n";
    {
        std::ofstream out(path, std::ios::binary);
        out << original;
    }
    auto log = log_on<no_sync>::open(path).value();
    auto report =
        log.compact([](json::value const& v) { return !v.as_object().contains("drop"); }).value();
    BOOST_TEST(report.kept == 2u);
    BOOST_TEST(content_of(posix_fs{}, path) == "{\"z\":1.0,\"a\":[1e2]}\n{ \"spaced\" : 1 }\n");
}

BOOST_AUTO_TEST_CASE(a_reader_sees_a_snapshot_and_typed_records) {
    temp_directory dir;
    auto log = log_on<no_sync>::open(dir / "log.jsonl").value();
    BOOST_TEST_REQUIRE(log.append(json::value_from(event{"start", 1})).has_value());
    BOOST_TEST_REQUIRE(log.append(json::value_from(event{"stop", 2})).has_value());
    auto reader = log.read().value();
    BOOST_TEST_REQUIRE(log.append(json::value_from(event{"later", 3})).has_value());
    std::vector<std::string> kinds;
    while (auto record = reader.next_as<event>().value())
        kinds.push_back(record->value.kind);
    BOOST_TEST(kinds == (std::vector{"start"s, "stop"s}));  // not "later"
    BOOST_TEST(log.read_all().value().size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_directory_is_not_a_log) {
    temp_directory dir;
    auto opened = log_on<no_sync>::open(dir.path());
    BOOST_TEST_REQUIRE(!opened);
    BOOST_TEST((opened.error().stage() == stage::validate));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jsonl_log_stale_temps)

BOOST_AUTO_TEST_CASE(open_removes_only_stale_temps_unless_told_not_to) {
    temp_directory dir;
    auto const path = dir / "log.jsonl";
    pid_t const gone = dead_pid();
    auto const stale = dir / temp_name_for(gone, "log.jsonl");
    auto const live = dir / temp_name_for(::getpid(), "log.jsonl");
    auto const lookalike = dir / (".log.jsonl.tmp-" + std::to_string(gone) + "-backup");
    for (auto const& p : {stale, live, lookalike})
        plant_leftover(p);

    jsonl_log_options keep;
    keep.stale_temps.enabled = false;
    BOOST_TEST_REQUIRE(log_on<no_sync>::open(path, keep).has_value());
    BOOST_TEST(std::filesystem::exists(stale));

    BOOST_TEST_REQUIRE(log_on<no_sync>::open(path).has_value());
    BOOST_TEST(!std::filesystem::exists(stale));
    BOOST_TEST(content_of(posix_fs{}, live) == "leftover");
    BOOST_TEST(content_of(posix_fs{}, lookalike) == "leftover");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
