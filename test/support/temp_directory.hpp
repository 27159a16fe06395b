// A fresh directory on the real disk for one test, removed afterwards.
#ifndef PERSIST_TEST_SUPPORT_TEMP_DIRECTORY_HPP
#define PERSIST_TEST_SUPPORT_TEMP_DIRECTORY_HPP

#include <boost/filesystem/operations.hpp>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace persist::test {

/// Creates a unique directory under `base` (default: $PERSIST_TEST_DIR, else
/// the system temp dir) and removes it with everything inside on
/// destruction.
class temp_directory {
public:
    explicit temp_directory(std::filesystem::path base = default_base()) {
        auto const unique =
            boost::filesystem::unique_path("persist-test-%%%%-%%%%-%%%%-%%%%").string();
        path_ = base / unique;
        std::filesystem::create_directories(path_);
    }
    temp_directory(temp_directory const&) = delete;
    temp_directory& operator=(temp_directory const&) = delete;
    ~temp_directory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    std::filesystem::path const& path() const noexcept { return path_; }
    std::filesystem::path operator/(std::filesystem::path const& name) const {
        return path_ / name;
    }

    static std::filesystem::path default_base() {
        char const* dir = std::getenv("PERSIST_TEST_DIR");
        return (dir != nullptr && *dir != '\0') ? std::filesystem::path(dir)
                                                : std::filesystem::temp_directory_path();
    }

private:
    std::filesystem::path path_;
};

}  // namespace persist::test

#endif
