using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Portway.Benchmarks;

// dotnet run -c Release --project _work/bench/Micro -- waiters            bytes per pending waiter (100,000)
// dotnet run -c Release --project _work/bench/Micro -- directory          bytes per registered node (100,000)
// dotnet run -c Release --project _work/bench/Micro -- router-allocs dag3  bytes per request in the router, by type
// dotnet run -c Release --project _work/bench/Micro -- cpu                operations per second of thread CPU time
// dotnet run -c Release --project _work/bench/Micro -- [BenchmarkDotNet args, e.g. --filter '*']
if (args.Length > 0 && args[0] == "cpu")
{
    Console.WriteLine("| operation | per CPU-second (one thread) | CPU µs per op | per wall-second | bytes allocated per op |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    return CpuThroughput.Run();
}

if (args.Length > 0 && args[0] == "router-allocs")
{
    return RouterAllocations.Run(args.Length > 1 ? args[1] : "dag3", args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 500_000);
}

if (args.Length > 0 && args[0] == "waiters")
{
    return PendingWaiterMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
}

if (args.Length > 0 && args[0] == "directory")
{
    return DirectoryMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
}

// In-process (no per-benchmark project build) and short: the numbers are for one machine, shared, at one time.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short-inprocess"))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(SignVerifyBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
return 0;
