// Open MPI for s2s's distributed training, loaded at run time: s2s builds, and runs single-process,
// on machines without MPI; `--distributed` loads libmpi.so.40 (Debian's Open MPI 4.1) and fails with a
// clear message when it is missing. Only the calls the trainer needs, with plain C types (MPI's handles
// are pointers to Open MPI's predefined objects, looked up by name).
#ifndef S2S_MPI_SHIM_H
#define S2S_MPI_SHIM_H

#include <stddef.h>

/// Loads libmpi and initialises MPI (threads: funneled — only the main thread calls MPI). Returns 0, or
/// non-zero with a sentence in `error`.
int s2s_mpi_start(char *error, size_t error_size);

/// This process's rank and the number of ranks in MPI_COMM_WORLD (after a successful start).
int s2s_mpi_rank(void);
int s2s_mpi_size(void);

/// MPI_Alltoall / MPI_Allgather over MPI_COMM_WORLD: `count` elements to and from every rank. 0 on success.
int s2s_mpi_alltoall_floats(const float *send, int count, float *receive);
int s2s_mpi_alltoall_doubles(const double *send, int count, double *receive);
int s2s_mpi_allgather_floats(const float *send, int count, float *receive);
int s2s_mpi_allgather_doubles(const double *send, int count, double *receive);
int s2s_mpi_allgather_bytes(const void *send, int count, void *receive);

/// MPI_Bcast of `count` bytes from `root`. 0 on success.
int s2s_mpi_broadcast_bytes(void *buffer, int count, int root);

int s2s_mpi_barrier(void);

/// Ends every rank of the job (MPI_Abort) with `code`.
void s2s_mpi_abort(int code);

/// MPI_Finalize, once; 0 on success.
int s2s_mpi_finish(void);

#endif
