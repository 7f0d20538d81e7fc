/*
 * Script droppers: commands that download and run code. Flagged for review, not blocked: administrators' scripts
 * legitimately contain them.
 */
rule powershell_download_execute
{
    meta:
        description = "PowerShell that downloads and executes code"
        suggestion = "review"
        label = "malware.dropper"
    strings:
        $iex1 = "IEX" nocase ascii wide
        $iex2 = "Invoke-Expression" nocase ascii wide
        $dl1 = "DownloadString" nocase ascii wide
        $dl2 = "Net.WebClient" nocase ascii wide
        $dl3 = "Invoke-WebRequest" nocase ascii wide
    condition:
        filesize < 5MB and any of ($iex*) and any of ($dl*)
}

rule shell_download_pipe_to_shell
{
    meta:
        description = "Shell command piping a download into a shell"
        suggestion = "review"
        label = "malware.dropper"
    strings:
        $pipe = /(curl|wget)[^\n|]{1,300}\|\s*(ba|z|k)?sh\b/
    condition:
        filesize < 5MB and $pipe
}
