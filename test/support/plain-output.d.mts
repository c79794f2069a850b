export function usePlainOutputWhenRedirected(): boolean;
