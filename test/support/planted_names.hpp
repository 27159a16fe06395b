// An attacker's plants at the names persist makes beside a store (README,
// "Security"): a store directory, an "outside" directory beside it that
// nothing may touch, and the three things planted at a name: a dangling
// symbolic link into outside, a link to a file outside, and a FIFO.
#ifndef PERSIST_TEST_SUPPORT_PLANTED_NAMES_HPP
#define PERSIST_TEST_SUPPORT_PLANTED_NAMES_HPP

#include "support/temp_directory.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

namespace persist::test {

enum class plant_kind { dangling_link, link_to_outside_file, fifo };

inline constexpr std::array all_plants{plant_kind::dangling_link, plant_kind::link_to_outside_file,
                                       plant_kind::fifo};

inline std::ostream& operator<<(std::ostream& out, plant_kind p) {
    switch (p) {
        case plant_kind::dangling_link: return out << "a dangling symbolic link";
        case plant_kind::link_to_outside_file: return out << "a symbolic link to a file outside";
        case plant_kind::fifo: return out << "a FIFO";
    }
    return out;
}

/// What an attacker who can write into dir() leaves there, and the check
/// that nothing outside dir() was created or changed.
class planted_names {
public:
    /// A valid persist state document, so that a store that follows a link
    /// to it would take it for its own.
    static constexpr std::string_view victim_content =
        "{\"version\":1,\"last_updated\":\"2026-01-01T00:00:00Z\",\"state\":{\"secret\":42}}\n";

    planted_names() {
        std::filesystem::create_directory(dir());
        std::filesystem::create_directory(outside());
        std::ofstream(victim()) << victim_content;
        victim_status_ = status_of(victim());
    }

    std::filesystem::path dir() const { return root_ / "store"; }
    std::filesystem::path outside() const { return root_ / "outside"; }
    /// An existing file outside, which a followed link would overwrite or read.
    std::filesystem::path victim() const { return outside() / "victim"; }
    /// Where a followed dangling link would create a file.
    std::filesystem::path nowhere() const { return outside() / "created-through-a-link"; }

    void put(plant_kind what, std::filesystem::path const& at) const {
        switch (what) {
            case plant_kind::dangling_link: std::filesystem::create_symlink(nowhere(), at); return;
            case plant_kind::link_to_outside_file:
                std::filesystem::create_symlink(victim(), at);
                return;
            case plant_kind::fifo:
                if (::mkfifo(at.c_str(), 0644) == -1)
                    throw std::system_error(errno, std::generic_category(), "mkfifo");
                return;
        }
    }

    /// Outside holds only the victim, with its bytes, mode and mtime.
    void check_outside_untouched() const {
        std::vector<std::string> names;
        for (auto const& entry : std::filesystem::directory_iterator(outside()))
            names.push_back(entry.path().filename().string());
        BOOST_TEST(names == std::vector<std::string>{"victim"});
        std::ifstream in(victim());
        std::string const content{std::istreambuf_iterator<char>(in), {}};
        BOOST_TEST(content == victim_content);
        auto const now = status_of(victim());
        BOOST_TEST(now.st_mode == victim_status_.st_mode);
        BOOST_TEST(now.st_mtim.tv_sec == victim_status_.st_mtim.tv_sec);
        BOOST_TEST(now.st_mtim.tv_nsec == victim_status_.st_mtim.tv_nsec);
    }

    /// Whether at is still what was planted there (the plant was refused or
    /// stepped around), as opposed to replaced by a regular file.
    static bool still_planted(plant_kind what, std::filesystem::path const& at) {
        auto const s = std::filesystem::symlink_status(at);
        return what == plant_kind::fifo ? std::filesystem::is_fifo(s)
                                        : std::filesystem::is_symlink(s);
    }

private:
    static struct ::stat status_of(std::filesystem::path const& p) {
        struct ::stat st {};
        if (::lstat(p.c_str(), &st) == -1)
            throw std::system_error(errno, std::generic_category(), "lstat " + p.string());
        return st;
    }

    temp_directory root_;
    struct ::stat victim_status_ {};
};

/// Runs body(what, names) once for each plant, each in a fresh planted_names,
/// with the plant and where it goes (`at`) as the Boost.Test context.
template <class Body>
void for_each_plant(std::string_view at, Body body) {
    for (auto const what : all_plants) {
        BOOST_TEST_CONTEXT(what << " at " << at) {
            planted_names names;
            body(what, names);
        }
    }
}

}  // namespace persist::test

#endif
