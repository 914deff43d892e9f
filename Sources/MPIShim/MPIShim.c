// See MPIShim.h. Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, …) are macros over the addresses of
// global objects (`&ompi_mpi_comm_world`), so dlsym of those names gives the handles themselves.
// libmpi is opened RTLD_GLOBAL: Open MPI's own plugins resolve its symbols through the global scope.
#define _GNU_SOURCE
#include "MPIShim.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void *Handle;
enum { THREAD_FUNNELED = 1 };   // Open MPI's MPI_THREAD_FUNNELED

static int (*p_init_thread)(int *, char ***, int, int *);
static int (*p_initialized)(int *);
static int (*p_comm_rank)(Handle, int *);
static int (*p_comm_size)(Handle, int *);
static int (*p_alltoall)(const void *, int, Handle, void *, int, Handle, Handle);
static int (*p_allgather)(const void *, int, Handle, void *, int, Handle, Handle);
static int (*p_bcast)(void *, int, Handle, int, Handle);
static int (*p_barrier)(Handle);
static int (*p_abort)(Handle, int);
static int (*p_finalize)(void);
static int (*p_finalized)(int *);
static Handle comm_world, type_float, type_double, type_byte;
static int started = 0, rank = 0, size = 1;

static int load(char *error, size_t error_size) {
    const char *names[] = {"libmpi.so.40", "libmpi.so"};
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    }
    if (library == NULL) {
        snprintf(error, error_size, "cannot load Open MPI's libmpi.so.40 (%s); install it (Debian: apt-get install openmpi-bin) and start s2s with mpirun", dlerror());
        return 1;
    }
#define SYMBOL(target, name) \
    do { *(void **)&target = dlsym(library, name); \
         if (target == NULL) { snprintf(error, error_size, "libmpi has no %s: --distributed needs Open MPI (4.x)", name); return 1; } } while (0)
    SYMBOL(p_init_thread, "MPI_Init_thread");
    SYMBOL(p_initialized, "MPI_Initialized");
    SYMBOL(p_comm_rank, "MPI_Comm_rank");
    SYMBOL(p_comm_size, "MPI_Comm_size");
    SYMBOL(p_alltoall, "MPI_Alltoall");
    SYMBOL(p_allgather, "MPI_Allgather");
    SYMBOL(p_bcast, "MPI_Bcast");
    SYMBOL(p_barrier, "MPI_Barrier");
    SYMBOL(p_abort, "MPI_Abort");
    SYMBOL(p_finalize, "MPI_Finalize");
    SYMBOL(p_finalized, "MPI_Finalized");
    SYMBOL(comm_world, "ompi_mpi_comm_world");
    SYMBOL(type_float, "ompi_mpi_float");
    SYMBOL(type_double, "ompi_mpi_double");
    SYMBOL(type_byte, "ompi_mpi_byte");
#undef SYMBOL
    return 0;
}

int s2s_mpi_start(char *error, size_t error_size) {
    if (started) return 0;
    if (load(error, error_size) != 0) return 1;
    int already = 0;
    p_initialized(&already);
    if (!already) {
        int provided = 0;
        if (p_init_thread(NULL, NULL, THREAD_FUNNELED, &provided) != 0) {
            snprintf(error, error_size, "MPI_Init_thread failed (was s2s started by mpirun?)");
            return 1;
        }
    }
    if (p_comm_rank(comm_world, &rank) != 0 || p_comm_size(comm_world, &size) != 0) {
        snprintf(error, error_size, "MPI_Comm_rank/MPI_Comm_size failed");
        return 1;
    }
    started = 1;
    return 0;
}

int s2s_mpi_rank(void) { return rank; }
int s2s_mpi_size(void) { return size; }

int s2s_mpi_alltoall_floats(const float *send, int count, float *receive) {
    return p_alltoall(send, count, type_float, receive, count, type_float, comm_world);
}

int s2s_mpi_alltoall_doubles(const double *send, int count, double *receive) {
    return p_alltoall(send, count, type_double, receive, count, type_double, comm_world);
}

int s2s_mpi_allgather_floats(const float *send, int count, float *receive) {
    return p_allgather(send, count, type_float, receive, count, type_float, comm_world);
}

int s2s_mpi_allgather_doubles(const double *send, int count, double *receive) {
    return p_allgather(send, count, type_double, receive, count, type_double, comm_world);
}

int s2s_mpi_allgather_bytes(const void *send, int count, void *receive) {
    return p_allgather(send, count, type_byte, receive, count, type_byte, comm_world);
}

int s2s_mpi_broadcast_bytes(void *buffer, int count, int root) {
    return p_bcast(buffer, count, type_byte, root, comm_world);
}

int s2s_mpi_barrier(void) { return p_barrier(comm_world); }

void s2s_mpi_abort(int code) { if (started) p_abort(comm_world, code); }

int s2s_mpi_finish(void) {
    if (!started) return 0;
    int done = 0;
    p_finalized(&done);
    started = 0;
    return done ? 0 : p_finalize();
}
