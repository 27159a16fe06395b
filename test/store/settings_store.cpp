// The settings store: its contract over every cell of the store matrix,
// then its logic (merge, pointers, typed access, validation, failures).
// Threads and processes sharing settings, the lock and the cache are in
// test/concurrency/settings_store.cpp.
#include <persist/store/settings_store.hpp>

#include "support/fs_inspect.hpp"
#include "support/lock_probe_fs.hpp"
#include "support/policy_matrix.hpp"
#include "support/settings_files.hpp"
#include "support/stale_temps.hpp"

#include <persist/durability/no_sync.hpp>
#include <persist/testing/counting_fs.hpp>
#include <persist/testing/fault_fs.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>
#include <vector>

namespace persist::test {
namespace {

namespace json = boost::json;
using namespace std::string_literals;
using scope = settings_scope;

// A hand-edited file with a typo: a doubled comma on line 3, column 14.
std::string const hand_edited = "{\n  \"theme\": \"dark\",\n  \"font\": 12,,\n  \"tabs\": 4\n}\n";
constexpr char const* hand_edited_position = "line 3, column 14";

/// The error every operation on a scope with hand_edited in it must give.
template <class T>
void check_corrupt(result<T> const& r, std::filesystem::path const& file, char const* operation) {
    BOOST_TEST_CONTEXT(operation) {
        BOOST_TEST_REQUIRE(r.has_error());
        BOOST_TEST((r.error().stage() == stage::parse));
        BOOST_TEST(r.error().code() == make_error_code(errc::corrupt_data));
        BOOST_TEST(r.error().path() == file);
        BOOST_TEST(r.error().detail().rfind(hand_edited_position, 0) == 0, r.error().detail());
        BOOST_TEST(r.error().message().find("cannot parse '" + file.string() + "' (" +
                                            hand_edited_position) == 0,
                   r.error().message());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(settings_store_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(writes_formatted_private_file_and_reads_it_back, Combo,
                              store_matrix) {
    matrix_fixture<Combo> f;
    auto const global = f.env.root() / "global.json";
    auto const local = f.env.root() / "project" / "local.json";
    basic_settings_store<typename Combo::atomic_file_type> store(global, local, {}, f.make());
    BOOST_TEST_REQUIRE(store.set(scope::local, "/ui/font/size", 14).has_value());
    BOOST_TEST_REQUIRE(store.set(scope::local, "/ui/theme", "dark").has_value());
    BOOST_TEST_REQUIRE(store.set(scope::global, "/ui/theme", "light").has_value());
    BOOST_TEST(content_of(f.env.fs, local) ==
               "{\n  \"ui\": {\n    \"font\": {\n      \"size\": 14\n    },\n    \"theme\": "
               "\"dark\"\n  }\n}\n");
    BOOST_TEST(mode_of(f.env.fs, local) == 0600u);
    BOOST_TEST((entries_of(f.env.fs, f.env.root()) ==
                std::vector{"global.json"s, "global.json.lock"s, "project"s}));
    BOOST_TEST((entries_of(f.env.fs, f.env.root() / "project") ==
                std::vector{"local.json"s, "local.json.lock"s}));
    BOOST_TEST(temp_files_in(f.env.fs, f.env.temp_root()).empty());
    BOOST_TEST(store.get("/ui/theme").value() == json::value("dark"));

    // An existing file keeps its mode; a second store reads what the first wrote.
    set_mode_of(f.env.fs, local, 0640);
    BOOST_TEST_REQUIRE(store.erase(scope::local, "/ui/theme").value());
    BOOST_TEST(mode_of(f.env.fs, local) == 0640u);
    basic_settings_store<typename Combo::atomic_file_type> other(global, local, {}, f.make());
    BOOST_TEST(other.get("").value() ==
               json::parse(R"({"ui": {"theme": "light", "font": {"size": 14}}})"));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(keeps_backup_of_previous_version, Combo, store_matrix) {
    matrix_fixture<Combo> f;
    auto const file = f.env.root() / "settings.json";
    atomic_file_options with_backup;
    with_backup.keep_backup = true;
    basic_settings_store<typename Combo::atomic_file_type> store(f.env.root() / "g.json", file, {},
                                                                 f.make(with_backup));
    BOOST_TEST_REQUIRE(store.set(scope::local, "/n", 1).has_value());
    auto const first = content_of(f.env.fs, file);
    BOOST_TEST_REQUIRE(store.set(scope::local, "/n", 2).has_value());
    BOOST_TEST(content_of(f.env.fs, file.string() + ".bak") == first);
    BOOST_TEST(content_of(f.env.fs, file) == "{\n  \"n\": 2\n}\n");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(corrupt_file_is_never_overwritten, Combo, store_matrix) {
    matrix_fixture<Combo> f;
    auto const file = f.env.root() / "settings.json";
    BOOST_TEST_REQUIRE(f.make().replace(file, hand_edited).has_value());
    basic_settings_store<typename Combo::atomic_file_type> store(f.env.root() / "g.json", file, {},
                                                                 f.make());
    auto const untouched = [&] {
        BOOST_TEST(content_of(f.env.fs, file) == hand_edited);
        BOOST_TEST((entries_of(f.env.fs, f.env.root()) ==
                    std::vector{"settings.json"s, "settings.json.lock"s}));
        BOOST_TEST(temp_files_in(f.env.fs, f.env.temp_root()).empty());
    };
    check_corrupt(store.get("/theme"), file, "get merged");
    check_corrupt(store.get(scope::local, "/theme"), file, "get local");
    check_corrupt(store.set(scope::local, "/theme", "light"), file, "set");
    untouched();
    check_corrupt(store.save(scope::local, json::object{{"theme", "light"}}), file, "save");
    untouched();
    check_corrupt(store.erase(scope::local, "/theme"), file, "erase");
    untouched();
    check_corrupt(store.add_unique(scope::local, "/list", 1), file, "add_unique");
    untouched();
    check_corrupt(store.add_provider(scope::local, "p"), file, "add_provider");
    untouched();
    check_corrupt(store.add_model(scope::local, "p", "m"), file, "add_model");
    untouched();
    // The other scope still works alone.
    BOOST_TEST_REQUIRE(store.set(scope::global, "/theme", "light").has_value());
    BOOST_TEST(store.get(scope::global, "/theme").value() == json::value("light"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(settings_store_logic)

BOOST_AUTO_TEST_CASE(merged_view_takes_local_over_global_deeply) {
    posix_files files;
    settings_store store(files.global, files.local);
    BOOST_TEST_REQUIRE(store
                           .save(scope::global, json::parse(R"({
        "ui": {"theme": "light", "font": {"size": 12, "family": "mono"}},
        "plugins": ["a", "b"], "telemetry": true, "only_global": 1})")
                                                    .as_object())
                           .has_value());
    BOOST_TEST_REQUIRE(store
                           .save(scope::local, json::parse(R"({
        "ui": {"font": {"size": 14}}, "plugins": ["c"], "telemetry": {"off": true}, "only_local": 2})")
                                                   .as_object())
                           .has_value());
    BOOST_TEST(store.get("").value() == json::parse(R"({
        "ui": {"theme": "light", "font": {"size": 14, "family": "mono"}},
        "plugins": ["c"], "telemetry": {"off": true}, "only_global": 1, "only_local": 2})"));
    BOOST_TEST(store.get("/ui/font/size").value() == json::value(14));
    BOOST_TEST(store.get("/ui/font/family").value() == json::value("mono"));
    BOOST_TEST(store.get(scope::global, "/ui/font/size").value() == json::value(12));
    BOOST_TEST(store.get(scope::local, "/ui/font").value() == json::parse(R"({"size": 14})"));
    check_failure(store.get(scope::local, "/ui/theme"), stage::read, errc::not_found,
                  "'/ui/theme'");
    BOOST_TEST(store.get(scope::local, "/ui/theme").error().path() == files.local);

    auto const missing = store.get("/ui/colour");
    check_failure(missing, stage::read, errc::not_found, "no value at '/ui/colour'");
    BOOST_TEST(missing.error().path() == files.local);
    BOOST_TEST(missing.error().detail().find(files.global.string()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_files_are_empty_settings_and_reads_create_nothing) {
    posix_files files;
    settings_store store(files.global, files.local);
    BOOST_TEST(store.get("").value() == json::value(json::object()));
    BOOST_TEST(store.get(scope::global, "").value() == json::value(json::object()));
    check_failure(store.get("/a"), stage::read, errc::not_found, "'/a'");
    BOOST_TEST(!store.erase(scope::local, "/a").value());
    BOOST_TEST(!std::filesystem::exists(files.dir / "home"));
    BOOST_TEST(!std::filesystem::exists(files.local));  // erase of nothing writes nothing
}

BOOST_AUTO_TEST_CASE(blank_file_is_empty_settings_but_not_a_non_object) {
    posix_files files;
    write_by_hand(files.local, " \n\t\n");
    write_by_hand(files.global, "[1, 2]\n");
    settings_store store(files.global, files.local);
    BOOST_TEST(store.get(scope::local, "").value() == json::value(json::object()));
    BOOST_TEST_REQUIRE(store.set(scope::local, "/a", 1).has_value());
    BOOST_TEST(on_disk(files.local) == "{\n  \"a\": 1\n}\n");

    check_failure(store.get(scope::global, ""), stage::parse, errc::type_mismatch,
                  "the top level is an array");
    check_failure(store.set(scope::global, "/a", 1), stage::parse, errc::type_mismatch,
                  "not an object");
    BOOST_TEST(on_disk(files.global) == "[1, 2]\n");
}

BOOST_AUTO_TEST_CASE(jsonc_files_are_edited_in_place_and_strict_refuses_them) {
    posix_files files;
    std::string const commented = "\xEF\xBB\xBF// mine\n{\n\t\"a\": 1, // one\n\t\"b\": [1,],\n}\n";
    write_by_hand(files.local, commented);
    settings_store store(files.global, files.local);
    BOOST_TEST(store.get("/a").value() == json::value(1));
    BOOST_TEST_REQUIRE(store.set(scope::local, "/a", 2.5).has_value());
    BOOST_TEST(on_disk(files.local) ==
               "\xEF\xBB\xBF// mine\n{\n\t\"a\": 2.5, // one\n\t\"b\": [1,],\n}\n");
    BOOST_TEST_REQUIRE(store.erase(scope::local, "/a").value());
    BOOST_TEST(on_disk(files.local) == "\xEF\xBB\xBF// mine\n{\n\t\"b\": [1,],\n}\n");
    BOOST_TEST_REQUIRE(store.add_unique(scope::local, "/b", 2).value());
    BOOST_TEST(on_disk(files.local) == "\xEF\xBB\xBF// mine\n{\n\t\"b\": [1, 2,],\n}\n");
    auto const edited = on_disk(files.local);

    settings_options strict;
    strict.syntax = json_syntax::strict;
    settings_store strict_store(files.global, files.local, strict);
    check_failure(strict_store.get(scope::local, ""), stage::parse, errc::corrupt_data,
                  "line 1, column 1: ");
    check_failure(strict_store.set(scope::local, "/c", 1), stage::parse, errc::corrupt_data,
                  "line 1, column 1: ");
    BOOST_TEST(on_disk(files.local) == edited);
}

// A settings file whose every line was commented out holds no settings,
// as an empty one does; the first write puts its value below the comments.
BOOST_AUTO_TEST_CASE(a_file_of_comments_alone_is_empty_settings_and_keeps_them) {
    posix_files files;
    std::string const comments = "// Settings for this project.\n/* none yet */ // \"a\": 1";
    write_by_hand(files.local, comments);
    settings_store store(files.global, files.local);
    BOOST_TEST(store.get(scope::local, "").value() == json::value(json::object()));
    check_failure(store.get(scope::local, "/a"), stage::read, errc::not_found, "'/a'");
    BOOST_TEST_REQUIRE(store.set(scope::local, "/a", 1).has_value());
    BOOST_TEST(on_disk(files.local) == comments + "\n{\n  \"a\": 1\n}\n");
    BOOST_TEST(store.get(scope::local, "/a").value() == json::value(1));

    // Strict JSON has no comments, and a comment that never closes is not
    // one: both are refused, with a line and column, and nothing is written.
    settings_options strict;
    strict.syntax = json_syntax::strict;
    write_by_hand(files.global, "// only a comment\n");
    settings_store strict_store(files.global, files.local, strict);
    check_failure(strict_store.set(scope::global, "/b", 1), stage::parse, errc::corrupt_data,
                  "line 1, column 1: ");
    BOOST_TEST(on_disk(files.global) == "// only a comment\n");
    std::string const unterminated = "// fine\n/* not closed\n";
    write_by_hand(files.global, unterminated);
    check_failure(store.set(scope::global, "/b", 1), stage::parse, errc::corrupt_data,
                  "line 2, column 1: a /* comment is not closed");
    BOOST_TEST(on_disk(files.global) == unterminated);
}

// Which member of a doubled key a reader sees differs between parsers, so
// a write refuses to guess, and changes nothing.
BOOST_AUTO_TEST_CASE(a_doubled_key_is_refused_on_write) {
    posix_files files;
    std::string const doubled = "{\n  \"a\": 1,\n  \"a\": 2\n}\n";
    write_by_hand(files.local, doubled);
    settings_store store(files.global, files.local);
    check_failure(store.set(scope::local, "/b", 1), stage::parse, errc::corrupt_data,
                  "line 1, column 1: duplicate key in this object");
    BOOST_TEST(on_disk(files.local) == doubled);
}

BOOST_AUTO_TEST_CASE(pointers_with_escapes_name_keys_with_slash_and_tilde) {
    posix_files files;
    settings_store store(files.global, files.local);
    BOOST_TEST_REQUIRE(store.set(scope::local, "/a~1b/m~0n", "x").has_value());
    BOOST_TEST_REQUIRE(store.set(scope::local, "/~01", "tilde-one").has_value());
    BOOST_TEST(on_disk(files.local) ==
               "{\n  \"a/b\": {\n    \"m~n\": \"x\"\n  },\n  \"~1\": \"tilde-one\"\n}\n");
    BOOST_TEST(store.get("/a~1b/m~0n").value() == json::value("x"));
    BOOST_TEST(store.get("/~01").value() == json::value("tilde-one"));
    check_failure(store.get("/a~1b/m~0n/deeper"), stage::read, errc::type_mismatch, "'/a~1b/m~0n'");
    check_failure(store.set(scope::local, "/a~1b/m~0n/deeper", 1), stage::validate,
                  errc::type_mismatch, "'/a~1b/m~0n/deeper'");
    check_failure(store.set(scope::local, "/bad~2", 1), stage::validate, errc::invalid_input,
                  "'/bad~2'");
    check_failure(store.get("no-slash"), stage::validate, errc::invalid_input, "'no-slash'");
    BOOST_TEST(on_disk(files.local) ==
               "{\n  \"a/b\": {\n    \"m~n\": \"x\"\n  },\n  \"~1\": \"tilde-one\"\n}\n");
}

BOOST_AUTO_TEST_CASE(typed_access_converts_or_names_the_mismatch) {
    posix_files files;
    settings_store store(files.global, files.local);
    BOOST_TEST_REQUIRE(store
                           .save(scope::global, json::parse(R"({
        "tabs": 4, "theme": "dark", "plugins": ["a", "b"], "ratio": 1.5, "on": true})")
                                                    .as_object())
                           .has_value());
    BOOST_TEST(store.get_as<int>("/tabs").value() == 4);
    BOOST_TEST(store.get_as<std::string>("/theme").value() == "dark");
    BOOST_TEST(
        (store.get_as<std::vector<std::string>>("/plugins").value() == std::vector{"a"s, "b"s}));
    BOOST_TEST(store.get_as<double>(scope::global, "/ratio").value() == 1.5);
    BOOST_TEST(store.get_as<bool>("/on").value());

    auto const mismatch = store.get_as<int>("/theme");
    check_failure(mismatch, stage::read, errc::type_mismatch, "'/theme' holds a string (\"dark\")");
    BOOST_TEST(mismatch.error().detail().find("does not convert to int") != std::string::npos,
               mismatch.error().detail());
    BOOST_TEST(mismatch.error().path() == files.local);
    check_failure(store.get_as<std::string>(scope::global, "/plugins"), stage::read,
                  errc::type_mismatch, "holds an array");
    check_failure(store.get_as<int>("/absent"), stage::read, errc::not_found, "'/absent'");
    BOOST_CHECK_THROW((void)store.get_as<int>("/theme").value(), persist::exception);
}

BOOST_AUTO_TEST_CASE(validation_hook_rejects_and_nothing_is_written) {
    posix_files files;
    std::vector<std::pair<scope, json::object>> seen;
    settings_options options;
    options.validator = [&](scope s, json::object const& content) -> result<void> {
        seen.emplace_back(s, content);
        if (auto const* theme = content.if_contains("theme");
            theme != nullptr && !theme->is_string()) {
            return reject_settings("theme must be a string");
        }
        return {};
    };
    settings_store store(files.global, files.local, options);

    // Rejected on a scope with no file yet: the file is never created.
    check_failure(store.set(scope::global, "/theme", 5), stage::validate, errc::validation_failed,
                  "theme must be a string");
    BOOST_TEST(!std::filesystem::exists(files.global));

    BOOST_TEST_REQUIRE(store.set(scope::local, "/theme", "dark").has_value());
    auto const accepted = on_disk(files.local);
    auto const rejected = store.save(scope::local, json::object{{"theme", false}});
    check_failure(rejected, stage::validate, errc::validation_failed, "theme must be a string");
    BOOST_TEST(rejected.error().path() == files.local);
    BOOST_TEST(on_disk(files.local) == accepted);
    check_failure(store.add_unique(scope::local, "/theme/x", 1), stage::validate,
                  errc::type_mismatch, "'/theme'");

    BOOST_TEST_REQUIRE(seen.size() ==
                       3u);  // the two rejections and the accepted set; not the type mismatch
    BOOST_TEST((seen[1].first == scope::local));
    BOOST_TEST(seen[1].second == (json::object{{"theme", "dark"}}));
    BOOST_TEST(seen[2].second == (json::object{{"theme", false}}));
}

BOOST_AUTO_TEST_CASE(add_unique_and_its_wrappers_append_once) {
    posix_files files;
    settings_store store(files.global, files.local);
    BOOST_TEST(store.add_provider(scope::global, "openai").value());
    BOOST_TEST(store.add_provider(scope::global, "anthropic").value());
    BOOST_TEST(!store.add_provider(scope::global, "openai").value());
    BOOST_TEST(store.add_model(scope::global, "openai", "gpt-4o").value());
    BOOST_TEST(store.add_model(scope::global, "azure/openai", "gpt-4o").value());
    BOOST_TEST(!store.add_model(scope::global, "openai", "gpt-4o").value());
    BOOST_TEST(store.add_unique(scope::global, "/deep/list", json::object{{"k", 1}}).value());
    BOOST_TEST(!store.add_unique(scope::global, "/deep/list", json::object{{"k", 1}}).value());
    BOOST_TEST(store.get(scope::global, "").value() == json::parse(R"({
        "providers": ["openai", "anthropic"],
        "models": {"openai": ["gpt-4o"], "azure/openai": ["gpt-4o"]},
        "deep": {"list": [{"k": 1}]}})"));
    auto const before = on_disk(files.global);
    check_failure(store.add_unique(scope::global, "/deep", 1), stage::validate, errc::type_mismatch,
                  "'/deep', which holds an object, not an array");
    BOOST_TEST(on_disk(files.global) == before);
}

BOOST_AUTO_TEST_CASE(writes_nothing_when_nothing_changes) {
    posix_files files;
    counting_fs<> fs;
    using store_type = basic_settings_store<atomic_file<counting_fs<>, no_sync, sibling_temp>>;
    store_type store(files.global, files.local, {}, store_type::atomic_file_type(fs));
    BOOST_TEST_REQUIRE(store.set(scope::local, "/a", json::array{1, 2}).has_value());
    BOOST_TEST(fs.count(fs_op::rename) == 1u);
    BOOST_TEST_REQUIRE(store.set(scope::local, "/a", json::array{1, 2}).has_value());
    BOOST_TEST(!store.erase(scope::local, "/b").value());
    BOOST_TEST(!store.add_unique(scope::local, "/a", 2).value());
    BOOST_TEST(fs.count(fs_op::rename) == 1u);
    BOOST_TEST_REQUIRE(
        store.save(scope::local, json::object{{"a", json::array{1, 2}}}).has_value());
    BOOST_TEST(fs.count(fs_op::rename) == 2u);  // save always writes
}

BOOST_AUTO_TEST_CASE(refuses_values_json_cannot_hold) {
    posix_files files;
    settings_store store(files.global, files.local);
    BOOST_TEST_REQUIRE(store.set(scope::local, "/ok", 1.5).has_value());
    auto const before = on_disk(files.local);
    check_failure(store.set(scope::local, "/x/y", std::numeric_limits<double>::quiet_NaN()),
                  stage::validate, errc::invalid_input,
                  "x.y: NaN and infinity cannot be written as JSON");
    check_failure(store.add_unique(scope::local, "/list", std::numeric_limits<double>::infinity()),
                  stage::validate, errc::invalid_input, "list[0]: NaN and infinity");
    check_failure(store.set(scope::local, "/name", "bad \xFF"), stage::validate,
                  errc::invalid_input, "name: string is not valid UTF-8");
    BOOST_TEST(on_disk(files.local) == before);
    check_failure(store.set(scope::local, "", 1), stage::validate, errc::type_mismatch,
                  "must be an object");
}

BOOST_AUTO_TEST_CASE(deep_settings_read_back_and_deeper_ones_are_refused) {
    // Found by the settings fuzzer: set() wrote a 33-level file that every
    // later read and write refused as "too deep".
    posix_files files;
    settings_store store(files.global, files.local);
    std::string pointer;
    for (std::size_t level = 1; level < json_max_depth; ++level)
        pointer += "/k";
    BOOST_TEST_REQUIRE(store.set(scope::local, pointer, json::object{{"leaf", 1}}).has_value());
    BOOST_TEST(store.get(pointer + "/leaf").value() == json::value(1));
    settings_store fresh(files.global, files.local);
    BOOST_TEST(fresh.get(pointer + "/leaf").value() == json::value(1));

    auto const before = on_disk(files.local);
    check_failure(store.set(scope::local, pointer + "/k", json::object{{"leaf", 1}}),
                  stage::validate, errc::invalid_input, "nesting is deeper than 128");
    BOOST_TEST(on_disk(files.local) == before);
}

BOOST_AUTO_TEST_CASE(a_failed_step_leaves_the_file_whole_and_the_lock_free) {
    posix_files files;
    fault_fs<posix_fs> fs;
    using store_type =
        basic_settings_store<atomic_file<fault_fs<posix_fs>, full_sync, sibling_temp>>;
    store_type store(files.global, files.local, {}, store_type::atomic_file_type(fs));
    BOOST_TEST_REQUIRE(store.set(scope::local, "/v", "old").has_value());
    auto const old_bytes = on_disk(files.local);
    lock_probe_fs const probe(files.local.string() + ".lock");

    struct step {
        fs_op op;
        stage expected;
    };
    step const steps[] = {
        {fs_op::lock, stage::lock},
        {fs_op::open_read, stage::read},
        {fs_op::stat_handle, stage::read},
        {fs_op::read, stage::read},
        {fs_op::create_exclusive, stage::create_temp},
        {fs_op::write, stage::write_temp},
        {fs_op::sync_full, stage::sync_temp},
        {fs_op::rename, stage::rename},
    };
    for (auto const& s : steps) {
        BOOST_TEST_CONTEXT("failing " << to_string(s.expected)) {
            fs.arm(fault{s.op, 1, errno_code(EACCES), true});
            auto const failed = store.set(scope::local, "/v", "new");
            fs.disarm();
            BOOST_TEST_REQUIRE(failed.has_error());
            BOOST_TEST((failed.error().stage() == s.expected), to_string(failed.error().stage()));
            BOOST_TEST(failed.error().code() == std::make_error_code(std::errc::permission_denied));
            BOOST_TEST(failed.error().path() == files.local);
            BOOST_TEST(on_disk(files.local) == old_bytes);
            BOOST_TEST((entries_of(posix_fs{}, files.local.parent_path()) ==
                        std::vector{"settings.json"s, "settings.json.lock"s}));
            BOOST_TEST(!probe.locked_by_someone());
            BOOST_TEST(store.get("/v").value() == json::value("old"));
        }
    }
    // After the rename only the directory sync can fail: the new content is
    // in place, and the error says its durability is unknown.
    fs.arm(fault{fs_op::sync_directory, 1, errno_code(EIO), true});
    auto const unsynced = store.set(scope::local, "/v", "new");
    fs.disarm();
    BOOST_TEST_REQUIRE(unsynced.has_error());
    BOOST_TEST((unsynced.error().stage() == stage::sync_directory));
    BOOST_TEST(store.get("/v").value() == json::value("new"));
    BOOST_TEST(!probe.locked_by_someone());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(settings_store_stale_temps)

BOOST_AUTO_TEST_CASE(constructor_removes_only_stale_temps_of_both_scopes_unless_told_not_to) {
    posix_files files;
    pid_t const gone = dead_pid();
    std::vector<std::filesystem::path> stale, kept;
    for (auto const& file : {files.global, files.local}) {
        auto const dir = file.parent_path();
        std::filesystem::create_directories(dir);
        stale.push_back(dir / temp_name_for(gone, "settings.json"));
        kept.push_back(dir / temp_name_for(::getpid(), "settings.json"));
        kept.push_back(dir / (".settings.json.tmp-" + std::to_string(gone) + "-backup"));
    }
    for (auto const& p : stale)
        plant_leftover(p);
    for (auto const& p : kept)
        plant_leftover(p);

    settings_options keep;
    keep.stale_temps.enabled = false;
    { settings_store const untouched(files.global, files.local, keep); }
    for (auto const& p : stale)
        BOOST_TEST(std::filesystem::exists(p), p);

    settings_store const store(files.global, files.local);
    for (auto const& p : stale)
        BOOST_TEST(!std::filesystem::exists(p), p);
    for (auto const& p : kept)
        BOOST_TEST(on_disk(p) == "leftover", p);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
