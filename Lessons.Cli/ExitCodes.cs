namespace Lessons.Cli;

/// <summary>The command line's exit codes (README, "Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;            // an unexpected error inside a lesson
    public const int Usage = 2;             // unknown lesson or option, bad value, sizes too large for memory, unusable --plots folder
    public const int DeviceUnavailable = 3; // CUDA where there is none, or libtorch failed to load
    public const int Diverged = 4;          // the settings made training produce NaN or infinity
    public const int OutOfMemory = 5;       // an allocation failed while the lesson ran (the estimate missed)
    public const int CheckFailed = 6;       // check: an exercise's check failed (a wrong answer, an exception in it, a TODO left, too slow)
    public const int DoesNotCompile = 7;    // check: the exercise's file does not compile
    public const int Interrupted = 130;     // Ctrl-C (SIGINT): stopped at the next step, 128 + 2 as shells report it
}
