const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Plain text with its http(s) URLs as links; nothing else is interpreted. */
export function LinkifiedText({ text }: { text: string }) {
  return (
    <pre className="font-sans text-sm break-words whitespace-pre-wrap">
      {text.split(URL_PATTERN).map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} className="font-medium break-all text-link underline">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}
