/*
 * The EICAR anti-malware test file (https://www.eicar.org/download-anti-malware-testfile/): 68 printable bytes at the
 * start of a file, optionally followed by white space, 128 bytes at most. Written in hex, in two halves, so that this
 * repository never contains the test signature itself (scanners on developers' machines would quarantine it).
 */
rule eicar_test_file
{
    meta:
        description = "EICAR anti-malware test file"
        suggestion = "block"
        label = "malware.test"
    strings:
        $head = { 58 35 4F 21 50 25 40 41 50 5B 34 5C 50 5A 58 35 34 28 50 5E 29 37 43 43 29 37 7D 24 }
        $tail = { 45 49 43 41 52 2D 53 54 41 4E 44 41 52 44 2D 41 4E 54 49 56 49 52 55 53 2D 54 45 53 54 2D 46 49 4C 45 21 24 48 2B 48 2A }
    condition:
        $head at 0 and $tail at 28 and filesize <= 128
}
