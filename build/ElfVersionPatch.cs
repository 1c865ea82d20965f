// Makes one symbol-version requirement of an ELF64 shared library weak.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so was linked with GCC 13 and requires
// GLIBCXX_3.4.32 from libstdc++, which Debian 12 (GCC 12) lacks. The only symbol bound
// to that version, std::ios_base_library_init(), has no relocation: nothing calls it.
// glibc treats a missing *weak* version requirement (VER_FLG_WEAK in vna_flags) as
// non-fatal, so setting that flag lets the library load.
//
// It is written for netstandard2.0, which MSBuild's inline task compiler targets.
// This file is compiled twice: into the build's inline MSBuild task (build/TorchNativeFix.targets)
// and into Lessons.Tests (with ELF_PATCH_WITHOUT_TASK), so the tests exercise the very code the
// build runs.
using System;
using System.IO;
using System.Text;

namespace Lessons.Build
{
    public enum ElfPatchOutcome
    {
        Patched,
        AlreadyWeak,
        VersionNotRequired,
        NotElf64,
    }

    public static class ElfVersionPatch
    {
        const uint SHT_GNU_verneed = 0x6ffffffe;
        const ushort VER_FLG_WEAK = 0x2;

        /// <summary>Reads the vna_flags of the requirement named <paramref name="version"/>, or null if absent.</summary>
        public static ushort? ReadRequirementFlags(byte[] elf, string version)
        {
            int offset = FindRequirement(elf, version);
            return offset < 0 ? null : BitConverter.ToUInt16(elf, offset + 4);
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on the requirement of <paramref name="version"/> in <paramref name="path"/>.
        /// The result is written to a new file that then replaces the old one, so a hard link into
        /// the NuGet cache is never modified. Idempotent.
        /// </summary>
        public static ElfPatchOutcome MakeRequirementWeak(string path, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            if (!IsElf64LittleEndian(elf)) return ElfPatchOutcome.NotElf64;
            int offset = FindRequirement(elf, version);
            if (offset < 0) return ElfPatchOutcome.VersionNotRequired;
            ushort flags = BitConverter.ToUInt16(elf, offset + 4);
            if ((flags & VER_FLG_WEAK) != 0) return ElfPatchOutcome.AlreadyWeak;

            ushort weak = (ushort)(flags | VER_FLG_WEAK);
            elf[offset + 4] = (byte)(weak & 0xff);
            elf[offset + 5] = (byte)(weak >> 8);
            DateTime copiedAt = File.GetLastWriteTimeUtc(path);
            string temporary = path + ".patching";
            File.WriteAllBytes(temporary, elf);
            File.Delete(path); // unlinks a hard link into the NuGet cache instead of writing through it
            File.Move(temporary, path);
            // Keep the copy's write time (the package file's): MSBuild's incremental copy then sees an
            // unchanged file (same size, same time) and stops replacing the patched copy at every build.
            File.SetLastWriteTimeUtc(path, copiedAt);
            return ElfPatchOutcome.Patched;
        }

        /// <summary>True if some file among <paramref name="libraries"/> defines <paramref name="version"/>.</summary>
        public static bool AnyDefines(string[] libraries, string version)
        {
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            foreach (string library in libraries)
            {
                if (!File.Exists(library)) continue;
                if (IndexOf(File.ReadAllBytes(library), needle) >= 0) return true;
            }
            return false;
        }

        /// <summary>Where a Linux system keeps the libstdc++ that the dynamic loader picks.</summary>
        public static readonly string[] SystemLibStdCxx =
        {
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };

        static bool IsElf64LittleEndian(byte[] elf) =>
            elf.Length > 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F'
            && elf[4] == 2 /* ELFCLASS64 */ && elf[5] == 1 /* little endian */;

        // Returns the file offset of the Elf64_Vernaux entry naming `version`, or -1.
        static int FindRequirement(byte[] elf, string version)
        {
            if (!IsElf64LittleEndian(elf)) return -1;
            long sectionTable = BitConverter.ToInt64(elf, 0x28);
            int sectionSize = BitConverter.ToUInt16(elf, 0x3A);
            int sectionCount = BitConverter.ToUInt16(elf, 0x3C);

            for (int i = 0; i < sectionCount; i++)
            {
                long header = sectionTable + (long)i * sectionSize;
                if (BitConverter.ToUInt32(elf, (int)header + 4) != SHT_GNU_verneed) continue;
                long verneedOffset = BitConverter.ToInt64(elf, (int)header + 0x18);
                int linkedStrings = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
                long stringsHeader = sectionTable + (long)linkedStrings * sectionSize;
                long strings = BitConverter.ToInt64(elf, (int)stringsHeader + 0x18);

                long need = verneedOffset;
                while (true)
                {
                    int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                    long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        uint name = BitConverter.ToUInt32(elf, (int)aux + 8);
                        if (ReadCString(elf, strings + name) == version) return (int)aux;
                        aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                    }
                    uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                    if (next == 0) break;
                    need += next;
                }
            }
            return -1;
        }

        static string ReadCString(byte[] bytes, long start)
        {
            int end = (int)start;
            while (end < bytes.Length && bytes[end] != 0) end++;
            return Encoding.ASCII.GetString(bytes, (int)start, end - (int)start);
        }

        static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }
    }

#if !ELF_PATCH_WITHOUT_TASK
    /// <summary>MSBuild task: patch every given libLibTorchSharp.so where the system libstdc++ needs it.</summary>
    public class MakeGlibcxxRequirementWeak : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        public string Version { get; set; } = "GLIBCXX_3.4.32";

        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
                return true;
            if (ElfVersionPatch.AnyDefines(ElfVersionPatch.SystemLibStdCxx, Version))
                return true;
            foreach (var item in Libraries)
            {
                var outcome = ElfVersionPatch.MakeRequirementWeak(item.ItemSpec, Version);
                if (outcome == ElfPatchOutcome.Patched)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        $"Made the {Version} requirement of {item.ItemSpec} weak: this system's libstdc++ lacks it (see docs/guide/building.md, 'Debian 12').");
            }
            return true;
        }
    }
#endif
}
