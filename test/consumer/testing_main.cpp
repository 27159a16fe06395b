// Consumer smoke test of persist::testing: a replace on memory_fs through
// counting_fs, then a power cut, as a user's own test would run them.
#include <persist/atomic_file.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/testing/counting_fs.hpp>
#include <persist/testing/memory_fs.hpp>

#if defined(PERSIST_HEADER_ONLY)
#include <persist/src.hpp>  // optional: README, "Header-only use"
#include <persist/testing/src.hpp>
#endif

#include <cstdio>
#include <cstdlib>

int main() {
    persist::memory_fs disk;
    persist::counting_fs<persist::memory_fs> fs(disk);
    persist::atomic_file<persist::counting_fs<persist::memory_fs>, persist::full_sync,
                         persist::sibling_temp> const file(fs);
    if (!file.replace("/state", "v1")) {
        std::fputs("replace on memory_fs failed\n", stderr);
        return EXIT_FAILURE;
    }
    if (fs.count(persist::fs_op::sync_directory) == 0) {
        std::fputs("full_sync made no directory sync\n", stderr);
        return EXIT_FAILURE;
    }
    auto const crashed = disk.crash();
    if (crashed.images.empty()) {
        std::fputs("a power cut left no image\n", stderr);
        return EXIT_FAILURE;
    }
    std::puts("consumer: persist::testing replaced on memory_fs and crashed it");
    return EXIT_SUCCESS;
}
