import S2SCLI
import S2SCore

Allocator.useOneArena()   // before any thread: jobs run one after another reuse one heap
RootCommand.main()
