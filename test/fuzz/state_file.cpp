// Fuzzes state_file::load, with tolerant conversion and a chain of
// migrations, on memory_fs. The input is the state file's bytes, then
// optionally a NUL and the backup's bytes. The program is at version 3; steps
// migrate 1 to 2 (rename "title" to "name") and 2 to 3 (move "w" into
// "window.width"), refusing a state that is not an object. Checked:
//  - load returns a state or an error; after an error no file changed;
//  - the outcome says what happened to the files: loaded changes nothing;
//    recovered_from_backup quarantined the file's exact bytes and put the
//    backup's bytes in its place; corrupt_used_defaults quarantined every
//    corrupt file byte for byte and returned T's defaults;
//  - whatever happened, the original bytes of the file and of the backup
//    are still in some file: nothing is lost without a quarantine copy;
//  - loading again returns the same state and changes nothing;
//  - saving the loaded state and loading it again returns it unchanged
//    (tolerant conversion round-trips), and the old file became the backup.
#include "fuzz/fuzz_support.hpp"

#include <persist/atomic_file.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/json_pointer.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/store/state_file.hpp>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include <algorithm>
#include <map>
#include <optional>

namespace fuzz_state {

enum class tab_kind { file, terminal, browser };
BOOST_DESCRIBE_ENUM(tab_kind, file, terminal, browser)

struct tab {
    tab_kind kind = tab_kind::file;
    std::string path;
    std::optional<std::string> title;
    bool pinned = false;
    friend bool operator==(tab const&, tab const&) = default;
};
BOOST_DESCRIBE_STRUCT(tab, (), (kind, path, title, pinned))

struct layout {
    int width = 800;
    std::int64_t split = -1;
    double ratio = 0.5;
    friend bool operator==(layout const&, layout const&) = default;
};
BOOST_DESCRIBE_STRUCT(layout, (), (width, split, ratio))

/// Every kind of member tolerant conversion reads, nested structs in a
/// vector included.
struct workspace {
    std::string name = "default";
    layout window;
    std::vector<tab> tabs;
    std::map<std::string, std::uint8_t> levels;
    std::uint64_t counter = 0;
    boost::json::value extra;
    friend bool operator==(workspace const&, workspace const&) = default;
};
BOOST_DESCRIBE_STRUCT(workspace, (), (name, window, tabs, levels, counter, extra))

}  // namespace fuzz_state

namespace {

using namespace persist;
using namespace persist::fuzz;
using fuzz_state::workspace;
namespace json = boost::json;
using memory_state = basic_state_file<workspace, atomic_file<memory_fs, no_sync, sibling_temp>>;

std::filesystem::path const file = "/work/state.json";
std::filesystem::path const backup = "/work/state.json.bak";
std::string const lock_name = "state.json.lock";

result<json::value> refuse_non_object(json::value const& state, std::uint64_t from) {
    return error(stage::parse, errc::type_mismatch, {}, {},
                 "migration from " + std::to_string(from) + ": state is " +
                     std::string(json_kind_phrase(state)));
}

state_file_options version_3_options() {
    state_file_options options;
    options.version = 3;
    options.clock = [] {
        return std::chrono::system_clock::time_point(std::chrono::hours(500000));
    };
    options.migrations.push_back({1, [](json::value state) -> result<json::value> {
                                      if (!state.is_object()) return refuse_non_object(state, 1);
                                      auto& object = state.get_object();
                                      if (auto* title = object.if_contains("title")) {
                                          json::value name =
                                              std::move(*title);  // before the insert rehashes
                                          object.erase("title");
                                          object["name"] = std::move(name);
                                      }
                                      return state;
                                  }});
    options.migrations.push_back(
        {2, [](json::value state) -> result<json::value> {
             if (!state.is_object()) return refuse_non_object(state, 2);
             auto& object = state.get_object();
             if (auto* w = object.if_contains("w")) {
                 json::value width = std::move(*w);  // before the insert rehashes
                 object.erase("w");
                 object["window"] = json::object{{"width", std::move(width)}};
             }
             return state;
         }});
    return options;
}

/// The files in /work but the lock file, which recovery may leave.
std::vector<std::pair<std::string, std::string>> files_but_lock(memory_fs& fs) {
    auto files = files_in_work(fs);
    std::erase_if(files, [](auto const& f) { return f.first == lock_name; });
    return files;
}

bool some_file_holds(std::vector<std::pair<std::string, std::string>> const& files,
                     std::string_view bytes) {
    return std::any_of(files.begin(), files.end(),
                       [&](auto const& f) { return f.second == bytes; });
}

void check_outcome(memory_fs& fs, loaded<workspace> const& first, std::string_view main_bytes,
                   std::optional<std::string_view> backup_bytes,
                   std::vector<std::pair<std::string, std::string>> const& before) {
    auto const& report = first.report;
    auto const after = files_but_lock(fs);
    switch (report.outcome) {
        case load_outcome::missing: invariant_failed("load: outcome missing, but the file exists");
        case load_outcome::loaded:
            require(after == before, "load: loaded, but files changed");
            require(report.quarantined.empty(), "load: loaded, but quarantined something");
            break;
        case load_outcome::recovered_from_backup:
            require(backup_bytes.has_value(), "load: recovered from a backup that did not exist");
            require(report.quarantined.size() == 1 && report.quarantined[0].from == file,
                    "load: recovered from backup without quarantining the file");
            require(test::content_of(fs, report.quarantined[0].to) == main_bytes,
                    "load: the quarantine copy differs from the corrupt file");
            require(test::content_of(fs, file) == *backup_bytes,
                    "load: the backup was not put in place");
            require(test::content_of(fs, backup) == *backup_bytes, "load: the backup changed");
            break;
        case load_outcome::corrupt_used_defaults:
            require(first.state == workspace{}, "load: corrupt_used_defaults without the defaults");
            require(!report.quarantined.empty() && report.quarantined[0].from == file,
                    "load: corrupt file not quarantined");
            require(test::content_of(fs, report.quarantined[0].to) == main_bytes,
                    "load: the quarantine copy differs from the corrupt file");
            if (backup_bytes) {
                require(report.quarantined.size() == 2 && report.quarantined[1].from == backup &&
                            test::content_of(fs, report.quarantined[1].to) == *backup_bytes,
                        "load: used defaults, but the backup is not quarantined byte for byte");
            }
            break;
    }
    require(some_file_holds(after, main_bytes), "load: the file's bytes are gone");
    require(!backup_bytes || some_file_holds(after, *backup_bytes),
            "load: the backup's bytes are gone");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const parts = split_at_nul(input_bytes(data, size), 2);
    std::string_view const main_bytes = parts[0];
    std::optional<std::string_view> backup_bytes;
    if (parts.size() > 1) backup_bytes = parts[1];

    auto fs = fresh_fs();
    put_file(fs, file, main_bytes);
    if (backup_bytes) put_file(fs, backup, *backup_bytes);
    auto const before = files_but_lock(fs);
    memory_state const state(file, version_3_options(),
                             atomic_file<memory_fs, no_sync, sibling_temp>(fs));

    (void)state.last_updated();
    auto first = state.load();
    if (!first) {
        require(files_but_lock(fs) == before, "load failed and changed files",
                first.error().message());
        return 0;
    }
    check_outcome(fs, *first, main_bytes, backup_bytes, before);

    auto const settled = files_but_lock(fs);
    auto again = state.load();
    require(again.has_value(), "second load failed", again ? "" : again.error().message());
    require(same_json(tolerant_value_from(again->state), tolerant_value_from(first->state)),
            "second load: another state");
    auto const expected_outcome = first->report.outcome == load_outcome::corrupt_used_defaults
                                      ? load_outcome::missing
                                      : load_outcome::loaded;
    require(again->report.outcome == expected_outcome, "second load: unexpected outcome",
            std::string(to_string(again->report.outcome)));
    require(files_but_lock(fs) == settled, "second load changed files");

    auto const previous = test::content_of(fs, file);
    auto saved = state.save(first->state);
    if (!saved) {
        require(saved.error().stage() == stage::validate, "save of a loaded state failed",
                saved.error().message());
        return 0;
    }
    if (expected_outcome == load_outcome::loaded) {
        require(test::content_of(fs, backup) == previous,
                "save: the previous file is not the backup");
    }
    auto reloaded = state.load();
    require(reloaded.has_value() && reloaded->report.outcome == load_outcome::loaded,
            "load after save failed", reloaded ? "" : reloaded.error().message());
    auto const before_save = tolerant_value_from(first->state);
    auto const after_load = tolerant_value_from(reloaded->state);
    require(same_json(after_load, before_save),
            "save then load: the state changed", expected_got(before_save, after_load));
    return 0;
}
