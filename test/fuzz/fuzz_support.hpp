// What the libFuzzer harnesses share: a failed invariant that libFuzzer
// reports as a crash, and files on a fresh memory_fs.
#ifndef PERSIST_TEST_FUZZ_FUZZ_SUPPORT_HPP
#define PERSIST_TEST_FUZZ_FUZZ_SUPPORT_HPP

#include "support/fs_inspect.hpp"

#include <persist/testing/memory_fs.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace persist::fuzz {

/// Stops the run with what was violated: libFuzzer sees the abort as a
/// crash and saves the input that caused it.
[[noreturn]] inline void invariant_failed(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "\n*** persist fuzz invariant violated: %.*s\n",
                 static_cast<int>(what.size()), what.data());
    if (!detail.empty()) {
        std::fprintf(stderr, "    %.*s\n", static_cast<int>(detail.size()), detail.data());
    }
    std::fflush(stderr);
    std::abort();
}

inline void require(bool holds, std::string_view what, std::string_view detail = {}) {
    if (!holds) invariant_failed(what, detail);
}

/// "expected X, got Y" for a failed comparison of bytes or JSON values.
inline std::string expected_got(std::string_view expected, std::string_view got) {
    return "expected " + boost::json::serialize(boost::json::value(expected)) + ", got " +
           boost::json::serialize(boost::json::value(got));
}
inline std::string expected_got(boost::json::value const& expected, boost::json::value const& got) {
    return "expected " + boost::json::serialize(expected) + ", got " + boost::json::serialize(got);
}

/// a == b with doubles compared bit for bit (so -0.0 and 0.0 differ), as
/// persist promises them: a value written is the value read back.
inline bool same_json(boost::json::value const& a, boost::json::value const& b) {
    if (a.is_double() && b.is_double())
        return std::bit_cast<std::uint64_t>(a.get_double()) ==
               std::bit_cast<std::uint64_t>(b.get_double());
    if (a.kind() != b.kind()) return false;
    if (auto const* array = a.if_array()) {
        auto const& other = b.get_array();
        if (array->size() != other.size()) return false;
        for (std::size_t i = 0; i < array->size(); ++i) {
            if (!same_json((*array)[i], other[i])) return false;
        }
        return true;
    }
    if (auto const* object = a.if_object()) {
        auto const& other = b.get_object();
        if (object->size() != other.size()) return false;
        auto it = other.begin();
        for (auto const& member : *object) {
            if (member.key() != it->key() || !same_json(member.value(), it->value()))
                return false;
            ++it;
        }
        return true;
    }
    return a == b;
}

/// The fuzzer's input as bytes.
inline std::string_view input_bytes(std::uint8_t const* data, std::size_t size) {
    return {reinterpret_cast<char const*>(data), size};
}

/// input cut at every '\0' (JSON text never holds a raw NUL, so a harness
/// that needs several documents takes them this way), at most `parts` of
/// them: the last part keeps any further NULs.
inline std::vector<std::string_view> split_at_nul(std::string_view input, std::size_t parts) {
    std::vector<std::string_view> out;
    while (out.size() + 1 < parts) {
        auto const nul = input.find('\0');
        if (nul == std::string_view::npos) break;
        out.push_back(input.substr(0, nul));
        input.remove_prefix(nul + 1);
    }
    out.push_back(input);
    return out;
}

/// A memory_fs with an empty, durable directory /work.
inline memory_fs fresh_fs() {
    memory_fs fs;
    (void)fs.make_directory("/work", 0755);
    fs.sync_all();
    return fs;
}

/// Creates p (which must not exist) with exactly these bytes.
inline void put_file(memory_fs& fs, std::filesystem::path const& p, std::string_view bytes) {
    auto h = fs.create_exclusive(p, 0644);
    require(h.has_value(), "harness setup: cannot create a file on memory_fs", p.string());
    auto written = fs.write(*h, std::as_bytes(std::span(bytes.data(), bytes.size())));
    require(written.has_value(), "harness setup: cannot write a file on memory_fs", p.string());
    (void)fs.close(*h);
}

/// Every file in /work with its content, sorted by name.
inline std::vector<std::pair<std::string, std::string>> files_in_work(memory_fs& fs) {
    std::vector<std::pair<std::string, std::string>> files;
    for (auto const& name : test::entries_of(fs, "/work")) {
        files.emplace_back(name, test::content_of(fs, std::filesystem::path("/work") / name));
    }
    return files;
}

}  // namespace persist::fuzz

#endif
