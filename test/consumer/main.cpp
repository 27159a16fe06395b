// Consumer smoke test: a program that takes persist as a user does (the
// consumer/* CTest tests build it against the installed package, by
// add_subdirectory and by FetchContent) and reaches everything through the
// one include: the front door and each of the three stores, in a fresh
// temporary directory. Every value written is read back and compared; an
// error or a difference prints what failed and exits non-zero.
#include <persist/persist.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

/// Whether r holds a value; if not, prints what failed and why.
template <class T>
bool succeeded(persist::result<T> const& r, char const* what) {
    if (r) return true;
    std::fprintf(stderr, "consumer: %s failed: %s\n", what, r.error().message().c_str());
    return false;
}

/// good; when it is false, prints that what was read back for `what` differs.
bool same(bool good, char const* what) {
    if (!good) std::fprintf(stderr, "consumer: %s: read back other than written\n", what);
    return good;
}

bool front_door(fs::path const& dir) {
    fs::path const file = dir / "nested" / "plain.txt";  // the parent is created
    std::string const text = "hello from the consumer\n";
    if (!succeeded(persist::write_file(file, text), "write_file")) return false;
    auto const read = persist::read_file(file);
    if (!succeeded(read, "read_file") || !same(*read == text, "write_file")) return false;

    auto const streamed = persist::write_file_with(file, [](persist::sink& out) {
        out.write("line 1\n");
        out.write("line 2\n");
    });
    if (!succeeded(streamed, "write_file_with")) return false;
    auto const reread = persist::read_file(file);
    return succeeded(reread, "read_file") && same(*reread == "line 1\nline 2\n", "write_file_with");
}

bool settings(fs::path const& dir) {
    using persist::settings_scope;
    persist::settings_store store(dir / "home" / "settings.json",
                                  dir / "project" / "settings.json");
    if (!succeeded(store.set(settings_scope::global, "/ui/theme", "dark"), "settings_store::set") ||
        !succeeded(store.set(settings_scope::global, "/ui/font/size", 12), "settings_store::set") ||
        !succeeded(store.set(settings_scope::local, "/ui/font/size", 14), "settings_store::set"))
        return false;
    auto const theme = store.get_as<std::string>("/ui/theme");
    auto const size = store.get_as<int>("/ui/font/size");  // local over global
    auto const global_size = store.get_as<int>(settings_scope::global, "/ui/font/size");
    return succeeded(theme, "settings_store::get_as") &&
           same(*theme == "dark", "settings /ui/theme") &&
           succeeded(size, "settings_store::get_as") && same(*size == 14, "settings merged view") &&
           succeeded(global_size, "settings_store::get_as") &&
           same(*global_size == 12, "settings global scope");
}

bool state(fs::path const& dir) {
    using counters = std::map<std::string, std::int64_t>;
    persist::state_file<counters> file(dir / "state.json");
    auto const first = file.load();
    if (!succeeded(first, "state_file::load") ||
        !same(first->report.outcome == persist::load_outcome::missing && first->state.empty(),
              "state_file defaults"))
        return false;
    if (!succeeded(file.save(counters{{"runs", 1}}), "state_file::save") ||
        !succeeded(file.update([](counters& c) { ++c["runs"]; }), "state_file::update"))
        return false;
    auto const loaded = file.load();
    return succeeded(loaded, "state_file::load") &&
           same(loaded->report.outcome == persist::load_outcome::loaded &&
                    loaded->state == counters{{"runs", 2}},
                "state_file");
}

bool jsonl(fs::path const& dir) {
    auto opened = persist::jsonl_log::open(dir / "logs" / "events.jsonl");
    if (!succeeded(opened, "jsonl_log::open")) return false;
    auto& log = *opened;
    if (!same(log.recovery().clean(), "jsonl_log recovery of a new log")) return false;
    std::vector<json::value> const records = {json::object{{"event", "start"}},
                                              json::object{{"event", "stop"}, {"code", 0}}};
    if (!succeeded(log.append(records[0]), "jsonl_log::append") ||
        !succeeded(log.append_batch(std::span(records).subspan(1)), "jsonl_log::append_batch"))
        return false;
    auto const all = log.read_all();
    return succeeded(all, "jsonl_log::read_all") && same(*all == records, "jsonl_log");
}

}  // namespace

int main() {
    std::error_code ec;
    fs::path const dir =
        fs::temp_directory_path() / ("persist-consumer-" + std::to_string(std::random_device{}()));
    fs::remove_all(dir, ec);

    bool const ok = front_door(dir) && settings(dir) && state(dir) && jsonl(dir);
    fs::remove_all(dir, ec);
    if (!ok) return EXIT_FAILURE;
    std::puts("consumer: write_file, read_file, settings_store, state_file and jsonl_log work");
    return EXIT_SUCCESS;
}
