extension CompletionShell {
    /// The completion script for `kubectl-drift` called by its own name. Each script asks
    /// `kubectl-drift __complete` (see ``Completion``) and follows its directive, so the
    /// candidates are the program's, never the script's.
    public var script: String {
        switch self {
        case .bash: return Self.bashScript
        case .zsh: return Self.zshScript
        case .fish: return Self.fishScript
        }
    }

    // why: bash splits `--context=prod` at `=` (COMP_WORDBREAKS), so the words are read
    // again from the line up to the cursor, and the part up to `=` taken off the answers.
    private static let bashScript = #"""
        # bash completion for kubectl-drift (kubectl drift completion bash)
        _kubectl_drift() {
            local line=${COMP_LINE:0:COMP_POINT}
            local -a words
            read -r -a words <<< "$line"
            [[ $line == *[[:space:]] || ${#words[@]} -eq 0 ]] && words+=("")
            local current=${words[${#words[@]}-1]}
            local out
            out=$("${words[0]}" __complete "${words[@]:1}" 2>/dev/null) || return 0
            local directive=${out##*:}
            [[ $directive =~ ^[0-9]+$ ]] || directive=0
            out=${out%:*}
            local prefix=""
            [[ $current == -*=* ]] && prefix=${current%%=*}=
            COMPREPLY=()
            local candidate
            while IFS= read -r candidate; do
                candidate=${candidate%%$'\t'*}
                [[ -n $candidate ]] && COMPREPLY+=("${candidate#"$prefix"}")
            done <<< "$out"
            if (( directive & 2 )); then compopt -o nospace 2>/dev/null; fi
            if (( ${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )); then
                local word=${current#"$prefix"}
                if (( directive & 16 )); then
                    mapfile -t COMPREPLY < <(compgen -d -- "$word")
                else
                    mapfile -t COMPREPLY < <(compgen -f -- "$word")
                fi
                compopt -o filenames 2>/dev/null
            fi
            return 0
        }
        complete -F _kubectl_drift kubectl-drift

        """#

    private static let zshScript = #"""
        #compdef kubectl-drift
        # zsh completion for kubectl-drift (kubectl drift completion zsh)
        _kubectl-drift() {
            local out directive value description
            local -a lines candidates
            out=$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
            lines=("${(@f)out}")
            directive=${lines[-1]#:}
            [[ $directive == <-> ]] || directive=0
            lines=("${(@)lines[1,-2]}")
            for value in $lines; do
                [[ -z $value ]] && continue
                description=""
                if [[ $value == *$'\t'* ]]; then
                    description=${value#*$'\t'}
                    value=${value%%$'\t'*}
                fi
                candidates+=("${value//:/\\:}${description:+:$description}")
            done
            if (( ${#candidates} )); then
                if (( directive & 2 )); then
                    _describe -t values value candidates -S ''
                else
                    _describe -t values value candidates
                fi
            elif (( (directive & 4) == 0 )); then
                if (( directive & 16 )); then _path_files -/; else _files; fi
            fi
        }
        if [[ $funcstack[1] == _kubectl-drift ]]; then
            _kubectl-drift "$@"
        else
            compdef _kubectl-drift kubectl-drift
        fi

        """#

    private static let fishScript = #"""
        # fish completion for kubectl-drift (kubectl drift completion fish)
        function __kubectl_drift_complete
            set -l tokens (commandline -opc)
            set -l current (commandline -ct)
            set -l out ($tokens[1] __complete $tokens[2..-1] "$current" 2>/dev/null)
            or return
            set -l directive (string replace -r '^:' '' -- $out[-1])
            string match -qr '^[0-9]+$' -- $directive; or set directive 0
            set -e out[-1]
            if test (count $out) -gt 0
                printf '%s\n' $out
            else if test (math "bitand($directive, 4)") -eq 0
                if test (math "bitand($directive, 16)") -ne 0
                    __fish_complete_directories $current
                else
                    __fish_complete_path $current
                end
            end
        end
        complete -c kubectl-drift -f -a '(__kubectl_drift_complete)'

        """#
}
