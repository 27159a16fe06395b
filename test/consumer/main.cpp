// Consumer smoke test: uses an installed persist through find_package.
// Replaces a file in a fresh temporary directory, reads it back, and cleans up.
#if __has_include(<persist/persist.hpp>)
#include <persist/persist.hpp>
#define PERSIST_CONSUMER_HAS_API 1
#else
// Early in the project only the configuration header exists.
#include <persist/config.hpp>
#endif

#if defined(PERSIST_HEADER_ONLY)
#include <persist/src.hpp>  // header-only: compile the out-of-line code here
#endif

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

int main() {
#if defined(PERSIST_CONSUMER_HAS_API)
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path const dir =
        fs::temp_directory_path() / ("persist-consumer-" + std::to_string(std::random_device{}()));
    fs::remove_all(dir, ec);
    fs::path const target = dir / "nested" / "state.txt";

    persist::atomic_file<persist::posix_fs, persist::full_sync, persist::sibling_temp> const file;
    int status = EXIT_SUCCESS;
    if (auto replaced = file.replace(target, "hello from the consumer\n"); !replaced) {
        std::fprintf(stderr, "replace failed: %s\n", replaced.error().message().c_str());
        status = EXIT_FAILURE;
    } else if (auto content = file.read(target);
               !content || *content != "hello from the consumer\n") {
        std::fprintf(stderr, "read back failed or differs\n");
        status = EXIT_FAILURE;
    }
    fs::remove_all(dir, ec);
    if (status != EXIT_SUCCESS) {
        return status;
    }
    std::puts("consumer: replaced and read back a file with persist::atomic_file");
#else
    std::puts("consumer: found persist (no <persist/persist.hpp> yet)");
#endif
    return EXIT_SUCCESS;
}
