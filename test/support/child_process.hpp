// Forked children in tests: fork without printing the parent's buffered
// output twice, and wait for a child's exit code.
#ifndef PERSIST_TEST_SUPPORT_CHILD_PROCESS_HPP
#define PERSIST_TEST_SUPPORT_CHILD_PROCESS_HPP

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

namespace persist::test {

/// fork(), after flushing the parent's output buffers, so that a child
/// cannot print the test log's pending text a second time. A child must
/// leave through ::_exit(), never by returning into the test framework.
inline pid_t fork_flushed() {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    return ::fork();
}

/// Waits for a forked child: its exit status, 128 + the signal that killed
/// it, or -1 if it cannot be waited for.
inline int exit_code_of(pid_t child) {
    int status = 0;
    pid_t waited = -1;
    while ((waited = ::waitpid(child, &status, 0)) == -1 && errno == EINTR) {
    }
    if (waited != child) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

/// Waits for a forked child; true if it exited with status 0.
inline bool child_succeeded(pid_t child) { return exit_code_of(child) == 0; }

}  // namespace persist::test

#endif
